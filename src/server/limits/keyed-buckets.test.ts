import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedBuckets } from './keyed-buckets.js';

test('a key keeps its bucket across calls; other keys have their own', () => {
  const b = new KeyedBuckets<number>(2, 1);
  assert.equal(b.take(1, 0).ok, true);
  assert.equal(b.take(1, 0).ok, true);
  const third = b.take(1, 0);
  assert.equal(third.ok, false);
  if (!third.ok) assert.equal(third.retryAfterMs, 1000);
  assert.equal(b.take(2, 0).ok, true, 'another key');
  assert.equal(b.take(1, 1000).ok, true, 'refilled after a second');
});

test('memory is bounded: the least recently used key is forgotten first', () => {
  const b = new KeyedBuckets<number>(1, 1, 3);
  b.take(1, 0);
  b.take(2, 0);
  b.take(3, 0);
  b.take(1, 0); // 1 is now the most recently used (and empty)
  b.take(4, 0); // forgets 2
  assert.equal(b.size, 3);
  assert.equal(b.take(1, 0).ok, false, 'key 1 was kept');
  assert.equal(b.take(2, 0).ok, true, 'key 2 was forgotten: a fresh bucket');
});

test('an allowance is taken in part when it does not cover the whole amount', () => {
  const b = new KeyedBuckets<string>(1000, 100);
  assert.equal(b.takeUpTo('a', 0, 600), 600);
  assert.equal(b.takeUpTo('a', 0, 600), 400);
  assert.equal(b.takeUpTo('a', 0, 600), 0);
  assert.equal(b.takeUpTo('a', 2000, 600), 200, 'two seconds refill 200');
});
