import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionCap, readDescriptorLimit } from './descriptor-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63704                63704                processes
Max open files            256                  4096                 files
`;

test('the descriptor limit is the soft limit from /proc/self/limits', () => {
  assert.equal(readDescriptorLimit(LIMITS), 256);
  assert.equal(readDescriptorLimit(LIMITS.replace('256   ', 'unlimited')), null);
  assert.equal(readDescriptorLimit('nothing here'), null);
  if (process.platform === 'linux') assert.ok((readDescriptorLimit() ?? 0) > 0, 'read from this process');
});

test('the connection cap keeps an eighth of the descriptors (at least 64) for the server; a configured cap wins', () => {
  assert.equal(connectionCap(0, 256), 192);
  assert.equal(connectionCap(0, 1024), 896);
  assert.equal(connectionCap(0, 20_000), 17_500);
  assert.equal(connectionCap(0, 40), 16);
  assert.equal(connectionCap(500, 256), 500);
});
