import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIR_DOWN, DIR_RIGHT, DIR_UP, stepBody, type Body } from '../../shared/movement.js';
import { DEFAULT_RULES } from '../../shared/world-rules.js';
import { Predictor, SNAP_DISTANCE_PX } from './prediction.js';

const rules = DEFAULT_RULES;
const start: Body = { x: 500, y: 500, facing: 0, moving: false };

/** The server's side of the same inputs: applies them in order, one per tick. */
function serverAfter(inputs: ReadonlyArray<readonly [number, number]>, upTo: number): Body {
  let b = start;
  for (const [seq, dirs] of inputs) if (seq <= upTo) b = stepBody(b, dirs, rules);
  return b;
}

test('rewind and replay: a server state for an older input plus the pending ones equals the prediction', () => {
  const p = new Predictor(start, rules);
  const inputs: Array<[number, number]> = [];
  const script = [DIR_RIGHT, DIR_RIGHT, DIR_DOWN, DIR_DOWN | DIR_RIGHT, 0, DIR_UP, DIR_UP, DIR_RIGHT];
  script.forEach((dirs, i) => {
    inputs.push([i + 1, dirs]);
    p.apply(i + 1, dirs);
  });
  const predicted = p.body;
  assert.equal(p.pending.length, 8);
  for (const ack of [2, 3, 5, 8]) {
    const correction = p.reconcile(serverAfter(inputs, ack), ack);
    assert.equal(correction, 0, `ack ${ack}`);
    assert.deepEqual({ x: p.body.x, y: p.body.y }, { x: predicted.x, y: predicted.y });
    assert.equal(p.pending.length, 8 - ack);
  }
  assert.equal(p.corrections, 0);
});

test('acknowledgements out of order: an older ack never pulls the prediction back', () => {
  const p = new Predictor(start, rules);
  const inputs: Array<[number, number]> = [];
  for (let s = 1; s <= 10; s++) {
    inputs.push([s, DIR_RIGHT]);
    p.apply(s, DIR_RIGHT);
  }
  assert.equal(p.reconcile(serverAfter(inputs, 7), 7), 0);
  const after7 = p.body;
  // A stale frame (ack 4) arrives late: ignored.
  assert.equal(p.reconcile(serverAfter(inputs, 4), 4), 0);
  assert.deepEqual(p.body, after7);
  assert.equal(p.lastAckSeq, 7);
  assert.equal(p.pending.length, 3);
  // The same ack again from an older tick is ignored too; from a newer tick it is used.
  p.reconcile(serverAfter(inputs, 7), 7, 100);
  assert.equal(p.reconcile({ ...start }, 7, 99), 0);
  assert.deepEqual(p.body, after7);
});

test('a server-side disagreement (a dropped input) is corrected, measured and smoothed, a large one snaps', () => {
  const p = new Predictor(start, rules);
  for (let s = 1; s <= 4; s++) p.apply(s, DIR_RIGHT);
  // The server lost input 2: it applied 1, 3 and 4.
  const server = stepBody(stepBody(stepBody(start, DIR_RIGHT, rules), DIR_RIGHT, rules), DIR_RIGHT, rules);
  const c = p.reconcile(server, 4);
  const step = rules.speedUnitsPerS / rules.tickRateHz;
  assert.equal(c, step);
  assert.equal(p.lastCorrectionPx, step);
  assert.equal(p.correctionX, -step);
  assert.equal(p.snaps, 0);
  // A far correction counts as a snap.
  p.reconcile({ ...server, x: server.x + SNAP_DISTANCE_PX + 10 }, 5);
  assert.equal(p.snaps, 1);
});

test('resume: pending inputs are forgotten (no flood), an unmoved body does not move at all', () => {
  const p = new Predictor(start, rules);
  for (let s = 1; s <= 30; s++) p.apply(s, 0);
  p.reset(start, 30);
  assert.equal(p.pending.length, 0);
  assert.deepEqual(p.body, start);
  assert.equal(p.correctionX, 0);
  assert.equal(p.snaps, 0);
  // Walked into a dead link: the prediction is ahead; the server's state wins and is a snap when far.
  for (let s = 31; s <= 50; s++) p.apply(s, DIR_RIGHT);
  p.reset(start, 50);
  assert.deepEqual(p.body, start);
  assert.equal(p.pending.length, 0);
  assert.equal(p.snaps, 1);
  // Inputs after the resume are replayed from the new state as usual.
  p.apply(51, DIR_DOWN);
  assert.equal(p.reconcile(start, 50), 0);
  assert.equal(p.pending.length, 1);
});

test('the pending buffer is bounded', () => {
  const p = new Predictor(start, rules);
  for (let s = 1; s <= 500; s++) p.apply(s, s % 2 ? DIR_RIGHT : DIR_DOWN);
  assert.ok(p.pending.length <= 120);
  assert.equal(p.pending.at(-1)!.seq, 500);
});
