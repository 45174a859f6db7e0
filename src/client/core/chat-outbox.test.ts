import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { createRng } from '../../shared/rng.js';
import { ChatOutbox } from './chat-outbox.js';

function outbox(live = true) {
  const clock = new ManualClock();
  const wire: Array<{ at: number; id: string; text: string }> = [];
  const state = { live, open: true };
  const rng = createRng(7);
  const box = new ChatOutbox({
    clock,
    live: () => state.live,
    random: () => rng.next(),
    send: (id, text) => {
      if (!state.open) return false;
      wire.push({ at: clock.now(), id, text });
      return true;
    },
  });
  return { box, clock, wire, state };
}

test('a line typed while live is sent at once and held until the echo acknowledges it', () => {
  const { box, wire } = outbox();
  const id = box.add('hi');
  assert.match(id, /^[A-Za-z0-9_-]{16}$/);
  assert.deepEqual(wire, [{ at: 0, id, text: 'hi' }]);
  assert.equal(box.get(id)?.status, 'sent');
  box.acknowledged(id);
  assert.equal(box.size, 0);
});

test('a line typed while away waits, then every unacknowledged line is resent with its original id', () => {
  const { box, wire, state } = outbox(false);
  const a = box.add('one');
  state.live = true;
  const b = box.add('two');
  assert.deepEqual(wire.map((w) => w.id), [b], 'only the live one went out');
  box.resendAll();
  assert.deepEqual(wire.map((w) => w.id), [b, a, b], 'both again, ids unchanged');
  assert.ok([...box.values()].every((e) => e.resent && e.status === 'sent'));
  assert.notEqual(a, b);
});

test('slow_down for a resent line is paced: one line per retry, at the time the server named, then a second apart', () => {
  const { box, clock, wire } = outbox();
  const ids = ['a', 'b', 'c'].map((t) => box.add(t));
  box.resendAll();
  wire.length = 0;
  for (const id of ids) assert.equal(box.rejected(id, 'slow_down', 700), 'paced');
  clock.advance(699);
  assert.equal(wire.length, 0);
  clock.advance(1);
  assert.deepEqual(wire.map((w) => [w.at, w.text]), [[700, 'a']]);
  clock.advance(1000);
  assert.deepEqual(wire.map((w) => [w.at, w.text]), [[700, 'a'], [1700, 'b']]);
  clock.advance(1000);
  assert.equal(wire.length, 3);
  clock.advance(5000);
  assert.equal(wire.length, 3, 'nothing pending: no more retries');
  assert.equal(clock.pending, 0);
});

test('a line typed too fast while live fails visibly; an unknown id is reported as such', () => {
  const { box } = outbox();
  const id = box.add('spam');
  assert.equal(box.rejected(id, 'slow_down', 500), 'failed');
  assert.equal(box.has(id), false);
  assert.equal(box.rejected('nope', 'too_long', undefined), 'unknown');
});

test('a paced retry that finds the link down waits for the next welcome; failAll stops retries', () => {
  const { box, clock, wire, state } = outbox();
  const id = box.add('x');
  box.resendAll();
  box.rejected(id, 'slow_down', 100);
  state.live = false;
  wire.length = 0;
  clock.advance(100);
  assert.equal(wire.length, 0);
  assert.equal(box.get(id)?.status, 'pending');
  box.rejected(id, 'slow_down', 100);
  box.failAll();
  assert.equal(clock.pending, 0);
  assert.equal(box.get(id)?.status, 'failed');
});
