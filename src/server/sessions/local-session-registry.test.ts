import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { LocalSessionRegistry } from './local-session-registry.js';

/** A session player with the given id. */
const p = (id: number) => ({ id, name: `P${id}`, character: 0 });

test('a token is claimed once: the claim rotates it, the old one is refused', async () => {
  const reg = new LocalSessionRegistry(new ManualClock());
  const first = await reg.open(p(7));
  assert.match(first, /^[A-Za-z0-9_-]{32}$/, '192 bits, base64url');
  const claim = await reg.claim(first);
  assert.equal(claim?.playerId, 7);
  assert.notEqual(claim?.token, first);
  assert.equal(await reg.claim(first), undefined, 'a used token is spent');
  assert.equal((await reg.claim(claim!.token))?.playerId, 7, 'the rotated one works');
  assert.equal(await reg.claim('not-a-token'), undefined);
});

test('racing claims with the same token: exactly one wins', async () => {
  const reg = new LocalSessionRegistry(new ManualClock());
  const token = await reg.open(p(1));
  const results = await Promise.all([reg.claim(token), reg.claim(token), reg.claim(token)]);
  assert.equal(results.filter((r) => r !== undefined).length, 1);
});

test('a new session ends the older one of the same player (a takeover): its token stops working', async () => {
  const reg = new LocalSessionRegistry(new ManualClock());
  const tab1 = await reg.open(p(3));
  const tab2 = await reg.open(p(3));
  assert.equal(await reg.claim(tab1), undefined);
  assert.equal((await reg.claim(tab2))?.playerId, 3);
  assert.equal(reg.size, 1);
});

test('grace: a held session expires exactly at graceMs, once, and then cannot be claimed', async () => {
  const clock = new ManualClock();
  const reg = new LocalSessionRegistry(clock);
  const token = await reg.open(p(5));
  let expired = 0;
  reg.hold(5, 30_000, () => expired++);
  clock.advance(29_999);
  assert.equal(expired, 0);
  clock.advance(1);
  assert.equal(expired, 1);
  clock.advance(60_000);
  assert.equal(expired, 1, 'once');
  assert.equal(await reg.claim(token), undefined);
  assert.equal(reg.size, 0);
});

test('a claim within the grace period cancels the expiry and says how long the player was away', async () => {
  const clock = new ManualClock();
  const reg = new LocalSessionRegistry(clock);
  const token = await reg.open(p(5));
  let expired = 0;
  reg.hold(5, 30_000, () => expired++);
  clock.advance(12_345);
  const claim = await reg.claim(token);
  assert.equal(claim?.awayMs, 12_345);
  clock.advance(60_000);
  assert.equal(expired, 0);
  assert.equal(clock.pending, 0, 'no timer left behind');
  // A claim while not held (the server had not noticed the drop yet) was away for 0 ms.
  assert.equal((await reg.claim(claim!.token))?.awayMs, 0);
});

test('holding again restarts the grace period; close and shutdown stop it', async () => {
  const clock = new ManualClock();
  const reg = new LocalSessionRegistry(clock);
  await reg.open(p(1));
  await reg.open(p(2));
  const expired: number[] = [];
  reg.hold(1, 1000, () => expired.push(1));
  clock.advance(800);
  reg.hold(1, 1000, () => expired.push(1));
  clock.advance(800);
  assert.equal(expired.length, 0, 'the second hold restarted the period');
  reg.close(1);
  reg.hold(2, 1000, () => expired.push(2));
  reg.shutdown();
  clock.advance(10_000);
  assert.equal(expired.length, 0);
  assert.equal(clock.pending, 0);
  reg.hold(99, 10, () => expired.push(99));
  clock.advance(100);
  assert.deepEqual(expired, [], 'holding an unknown player does nothing');
});
