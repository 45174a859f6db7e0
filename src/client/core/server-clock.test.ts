import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerClock } from './server-clock.js';

/** A made-up link: the server clock is client clock + 5000, one-way delays given per ping. */
function exchange(c: ServerClock, sendAt: number, upMs: number, downMs: number, tickAt?: (serverMs: number) => number): void {
  const server = sendAt + upMs + 5000;
  c.sample(sendAt, server, sendAt + upMs + downMs, tickAt?.(server));
}

test('offset and RTT from ping/pong; the least-queued sample sets the offset', () => {
  const c = new ServerClock();
  assert.equal(c.synced, false);
  exchange(c, 0, 50, 50);
  assert.equal(c.rttMs, 100);
  assert.equal(c.serverNow(1000), 6000);
  // Later samples with queueing on the way back: RTT grows, the offset stays with the clean one.
  exchange(c, 1000, 50, 250);
  exchange(c, 2000, 50, 150);
  assert.equal(c.serverNow(1000), 6000);
  assert.ok(c.rttMs > 100 && c.rttMs < 200, `srtt ${c.rttMs}`);
  assert.ok(c.jitterMs > 0);
});

test('asymmetric queueing skews the offset by at most half the extra delay', () => {
  const c = new ServerClock();
  exchange(c, 0, 40, 120);
  assert.equal(c.serverNow(0) - 5000, -40);
});

test('tick estimate from (server time, tick) pairs: the current server tick as seen by the client', () => {
  const c = new ServerClock();
  c.setTickMs(50);
  assert.equal(c.tickAt(0), null);
  // Server ticks at origin 5003 + n*50 on its clock, with 0-4 ms of timer lateness.
  const tickAt = (serverMs: number) => Math.floor((serverMs - 5003 - 2) / 50);
  for (let i = 0; i < 20; i++) exchange(c, i * 997, 30, 30, tickAt);
  const now = 30_000;
  const est = c.tickAt(now)!;
  const truth = (now + 5000 - 5003) / 50;
  assert.ok(Math.abs(est - truth) < 0.2, `tick ${est} vs ${truth}`);
  const back = c.clientTimeOfTick(Math.round(truth))!;
  assert.ok(Math.abs(back - (5003 + Math.round(truth) * 50 - 5000)) < 10);
});

test('reset forgets a restarted server', () => {
  const c = new ServerClock();
  c.setTickMs(50);
  exchange(c, 0, 10, 10, () => 1000);
  c.reset();
  assert.equal(c.synced, false);
  assert.equal(c.tickAt(100), null);
  c.tickSample(100, 0);
  assert.ok(c.tickAt(0) !== null);
});
