import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, slowDown } from './admission.js';

test('the world cap refuses a new body with world_full and a message', () => {
  const a = new Admission({ maxPlayers: 3, newProfilesPerAddressHour: 5 });
  assert.equal(a.newBody(2), null);
  const r = a.newBody(3);
  assert.equal(r?.code, 'world_full');
  assert.match(r!.message, /full \(3 players\)/);
  assert.throws(() => new Admission({ maxPlayers: 70_000, newProfilesPerAddressHour: 5 }), /below 65535/);
});

test('new names per address per hour; another address has its own count', () => {
  const a = new Admission({ maxPlayers: 10, newProfilesPerAddressHour: 2 });
  assert.equal(a.newProfile('x', 0), null);
  assert.equal(a.newProfile('x', 0), null);
  const r = a.newProfile('x', 0);
  assert.equal(r?.code, 'too_many_new_names');
  assert.match(r!.message, /30 minutes/);
  assert.equal(a.newProfile('y', 0), null);
  assert.equal(a.newProfile('x', 1800_000), null, 'half an hour later one more');
  assert.equal(slowDown({ ok: false, retryAfterMs: 4200 }, 'reconnects').code, 'slow_down');
});
