import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transport, TransportFactory, TransportHandlers } from '../../src/client/core/transport.js';
import { createSimulatedNetwork } from '../../src/client/core/simulated-transport.js';
import { PROFILES, tweakProfile } from '../../src/shared/netsim-profiles.js';
import { ManualClock } from '../support/manual-clock.js';

/** An inner "socket" the test drives by hand. */
function fakeInner() {
  const sent: { at: number; data: string | Uint8Array }[] = [];
  let handlers!: TransportHandlers;
  let closed = 0;
  let clock!: ManualClock;
  const factory: TransportFactory = (_url, _protocols, h) => {
    handlers = h;
    const t: Transport = {
      send: (data) => sent.push({ at: clock.now(), data }),
      close: () => void closed++,
      bufferedAmount: 0,
    };
    return t;
  };
  return { factory, sent, get handlers() { return handlers; }, get closed() { return closed; }, bind: (c: ManualClock) => (clock = c) };
}

function recorder(clock: ManualClock) {
  const events: { at: number; kind: string; value: unknown }[] = [];
  const h: TransportHandlers = {
    onOpen: (p) => events.push({ at: clock.now(), kind: 'open', value: p }),
    onMessage: (d) => events.push({ at: clock.now(), kind: 'message', value: d }),
    onClose: (code, reason) => events.push({ at: clock.now(), kind: 'close', value: [code, reason] }),
  };
  return { events, h };
}

const steady = tweakProfile(PROFILES.mobile, { name: 'steady', up: { stalls: [] }, down: { stalls: [] } });

test('sends and receives keep their order and are delayed by the profile', () => {
  const clock = new ManualClock();
  const inner = fakeInner();
  inner.bind(clock);
  const net = createSimulatedNetwork(inner.factory, { profile: steady, seed: 1, clock });
  const rec = recorder(clock);
  const t = net.factory('ws://x', ['p'], rec.h);
  inner.handlers.onOpen('p');
  clock.advance(1000);
  assert.equal(rec.events[0]!.kind, 'open');
  assert.ok(rec.events[0]!.at >= 100 && rec.events[0]!.at <= 200, `open after ${rec.events[0]!.at} ms (a round trip)`);

  const start = clock.now();
  for (let i = 0; i < 50; i++) {
    t.send(`m${i}`);
    inner.handlers.onMessage(`r${i}`);
    clock.advance(3);
  }
  assert.ok(t.bufferedAmount > 0, 'queued sends count as buffered');
  clock.advance(2000);
  assert.deepEqual(inner.sent.map((s) => s.data), Array.from({ length: 50 }, (_, i) => `m${i}`));
  const msgs = rec.events.filter((e) => e.kind === 'message');
  assert.deepEqual(msgs.map((e) => e.value), Array.from({ length: 50 }, (_, i) => `r${i}`));
  const { latencyMs, jitterMs } = steady.up;
  assert.ok(inner.sent[0]!.at - start >= latencyMs - jitterMs, 'not earlier than the profile allows');
  assert.ok(inner.sent[49]!.at - start <= 150 + latencyMs + jitterMs, 'not later than the profile allows');
  assert.ok(msgs[0]!.at - start >= steady.down.latencyMs - steady.down.jitterMs);
  assert.equal(t.bufferedAmount, 0);
});

test('profile faults force a drop reported as 1006, and the inner socket is closed', () => {
  const clock = new ManualClock();
  const inner = fakeInner();
  inner.bind(clock);
  const droppy = tweakProfile(PROFILES.ideal, { name: 'droppy', faults: { minIntervalMs: 1000, maxIntervalMs: 2000, weights: { reset: 1 }, slowCloseMs: [0, 0], serverDownMs: [0, 0] } });
  const net = createSimulatedNetwork(inner.factory, { profile: droppy, seed: 3, clock });
  const rec = recorder(clock);
  const t = net.factory('ws://x', [], rec.h);
  inner.handlers.onOpen('');
  clock.advance(2500);
  assert.deepEqual(rec.events.at(-1)!.value, [1006, 'simulated drop']);
  assert.equal(rec.events.filter((e) => e.kind === 'close').length, 1);
  assert.equal(inner.closed, 1);
  t.send('late');
  inner.handlers.onMessage('late');
  clock.advance(1000);
  assert.equal(inner.sent.length, 0);
  assert.equal(rec.events.filter((e) => e.kind === 'message').length, 0, 'nothing after the drop');
});

test('black hole holds both directions with the socket open; live profile switch and dropAll', () => {
  const clock = new ManualClock();
  const inner = fakeInner();
  inner.bind(clock);
  const net = createSimulatedNetwork(inner.factory, { profile: 'ideal', seed: 5, clock });
  const rec = recorder(clock);
  const t = net.factory('ws://x', [], rec.h);
  inner.handlers.onOpen('');
  clock.advance(1);
  net.blackhole(true);
  t.send('a');
  inner.handlers.onMessage('b');
  clock.advance(60_000);
  assert.equal(inner.sent.length, 0);
  assert.equal(rec.events.filter((e) => e.kind !== 'open').length, 0);
  assert.equal(inner.closed, 0, 'socket stays open');
  net.blackhole(false);
  assert.deepEqual(inner.sent.map((s) => s.data), ['a']);
  assert.equal(rec.events.at(-1)!.value, 'b');

  assert.equal(net.profileName, 'ideal');
  assert.match(net.setProfile('nope') ?? '', /unknown profile/);
  assert.equal(net.setProfile('3g'), null);
  assert.equal(net.profileName, '3g');
  const before = clock.now();
  t.send('slow');
  clock.advance(140);
  assert.equal(inner.sent.length, 1, '3g: not before 150 ms');
  clock.advance(20_000);
  assert.ok(inner.sent[1]!.at - before >= 150);

  net.dropAll();
  assert.deepEqual(rec.events.at(-1)!.value, [1006, 'simulated drop']);
});

test('the same seed gives the same timings', () => {
  const run = (seed: number) => {
    const clock = new ManualClock();
    const inner = fakeInner();
    inner.bind(clock);
    const net = createSimulatedNetwork(inner.factory, { profile: '3g', seed, clock });
    const t = net.factory('ws://x', [], recorder(clock).h);
    inner.handlers.onOpen('');
    for (let i = 0; i < 100; i++) {
      t.send(new Uint8Array(200));
      clock.advance(50);
    }
    clock.advance(30_000);
    return inner.sent.map((s) => s.at);
  };
  assert.deepEqual(run(11), run(11));
  assert.notDeepEqual(run(11), run(12));
});

test('close() flushes earlier sends, then closes the inner socket without calling handlers', () => {
  const clock = new ManualClock();
  const inner = fakeInner();
  inner.bind(clock);
  const net = createSimulatedNetwork(inner.factory, { profile: steady, seed: 2, clock });
  const rec = recorder(clock);
  const t = net.factory('ws://x', [], rec.h);
  inner.handlers.onOpen('');
  clock.advance(500);
  t.send('bye');
  t.close(1000, 'done');
  assert.equal(inner.closed, 0);
  clock.advance(500);
  assert.deepEqual(inner.sent.map((s) => s.data), ['bye']);
  assert.equal(inner.closed, 1);
  inner.handlers.onClose(1000, 'done');
  assert.equal(rec.events.filter((e) => e.kind === 'close').length, 0);
});
