import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InterpolationBuffer, MAX_EXTRAPOLATION_MS, sampleStates, type TimedState } from './interpolation.js';

const st = (timeMs: number, x: number, moving = true, y = 100): TimedState => ({ timeMs, x, y, facing: 2, moving });

/** A body walking right at 6 units per 50 ms tick. */
function walk(fromTick: number, toTick: number): TimedState[] {
  const out: TimedState[] = [];
  for (let t = fromTick; t <= toTick; t++) out.push(st(t * 50, 100 + t * 6));
  return out;
}

test('interpolates between the two states around the playhead', () => {
  const b = new InterpolationBuffer();
  for (const s of walk(0, 4)) b.push(s);
  const s = b.sample(125)!;
  assert.equal(s.x, 100 + 2.5 * 6);
  assert.equal(s.moving, true);
  assert.equal(b.sample(200)!.x, 124);
});

test('a late burst is played at normal speed: the sample depends on the playhead, not on arrivals', () => {
  const steady = new InterpolationBuffer();
  const bursty = new InterpolationBuffer();
  const states = walk(0, 20);
  for (const s of states) steady.push(s);
  // Bursty: states 0..5 early, then nothing, then 6..20 all at once.
  for (const s of states.slice(0, 6)) bursty.push(s);
  const xs: number[] = [];
  for (let t = 0; t <= 240; t += 16) xs.push(bursty.sample(t)!.x);
  for (const s of states.slice(6)) bursty.push(s);
  for (let t = 256; t <= 1000; t += 16) xs.push(bursty.sample(t)!.x);
  const ref: number[] = [];
  for (let t = 0; t <= 1000; t += 16) ref.push(steady.sample(t)!.x);
  assert.deepEqual(xs, ref);
  // And no frame moves faster than the walking speed (6 units / 50 ms).
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! - xs[i - 1]! <= (6 * 16) / 50 + 1e-9);
});

test('a gap with no data: extrapolate along the last step, at most MAX_EXTRAPOLATION_MS, then hold', () => {
  const b = new InterpolationBuffer();
  for (const s of walk(0, 4)) b.push(s); // last: t=200, x=124
  assert.equal(b.sample(250)!.x, 130);
  assert.equal(b.sample(250)!.moving, true);
  const held = 124 + (MAX_EXTRAPOLATION_MS / 50) * 6;
  assert.equal(b.sample(200 + MAX_EXTRAPOLATION_MS)!.x, held);
  assert.equal(b.sample(200 + MAX_EXTRAPOLATION_MS)!.moving, false);
  assert.equal(b.sample(2000)!.x, held);
  assert.equal(b.sample(2000)!.moving, false);
});

test('a standing body is never extrapolated, and a pause is not turned into a slow creep', () => {
  const b = new InterpolationBuffer();
  b.push(st(0, 100, false));
  // Stood from t=0 until tick 19, walked one step in tick 20.
  b.push(st(1000, 106, true));
  assert.equal(b.peek(500)!.x, 100);
  assert.equal(b.peek(950)!.x, 100);
  assert.equal(b.peek(975)!.x, 103);
  // Extrapolating after it: the speed of that one step, not 6 units per second.
  assert.equal(b.peek(1050)!.x, 112);
  const stand = new InterpolationBuffer();
  stand.push(st(0, 100, false));
  assert.equal(stand.sample(5000)!.x, 100);
  assert.equal(stand.sample(5000)!.moving, false);
});

test('before the first state the first state is shown; an empty buffer has nothing', () => {
  const b = new InterpolationBuffer();
  assert.equal(b.sample(10), undefined);
  b.push(st(500, 100));
  assert.equal(b.sample(10)!.x, 100);
});

test('old or repeated states are ignored; sampling keeps one state before the playhead', () => {
  const b = new InterpolationBuffer();
  for (const s of walk(0, 10)) b.push(s);
  b.push(st(100, 999));
  assert.equal(b.size, 11);
  b.sample(330);
  assert.equal(b.oldest!.timeMs, 300);
  assert.equal(b.sample(330)!.x, 100 + 6.6 * 6);
});

test('sampleStates finds the right segment in a long list', () => {
  const s = walk(0, 60);
  for (let t = 0; t <= 3000; t += 7) assert.equal(Math.round(sampleStates(s, t, 50)!.x * 1000), Math.round((100 + (t / 50) * 6) * 1000));
});
