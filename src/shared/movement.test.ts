import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_MARGIN_UNITS, DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP, stepBody, type Body } from './movement.js';
import { DEFAULT_RULES, quantise } from './world-rules.js';

const start: Body = { x: 500, y: 500, facing: 0, moving: false };
const perTick = DEFAULT_RULES.speedUnitsPerS / DEFAULT_RULES.tickRateHz;

test('a step moves one tick of speed in the pressed direction and faces it', () => {
  const b = stepBody(start, DIR_RIGHT, DEFAULT_RULES);
  assert.equal(b.x, 500 + perTick);
  assert.equal(b.y, 500);
  assert.equal(b.facing, 2);
  assert.equal(b.moving, true);
  assert.equal(stepBody(start, DIR_UP, DEFAULT_RULES).facing, 3);
  assert.equal(stepBody(start, DIR_LEFT, DEFAULT_RULES).facing, 1);
  assert.equal(stepBody(start, DIR_DOWN, DEFAULT_RULES).facing, 0);
});

test('no key, or opposite keys, stands still', () => {
  assert.equal(stepBody(start, 0, DEFAULT_RULES), start);
  const b = stepBody(start, DIR_LEFT | DIR_RIGHT, DEFAULT_RULES);
  assert.equal(b.x, 500);
  assert.equal(b.moving, false);
});

test('diagonals never exceed the speed limit, and quantisation never adds distance', () => {
  for (let dirs = 0; dirs < 16; dirs++) {
    let b: Body = { x: 333.375, y: 611.125, facing: 0, moving: false };
    for (let i = 0; i < 50; i++) {
      const next = stepBody(b, dirs, DEFAULT_RULES);
      assert.ok(Math.hypot(next.x - b.x, next.y - b.y) <= perTick + 1e-9, `dirs ${dirs} step ${i}`);
      assert.equal(next.x, quantise(next.x));
      assert.equal(next.y, quantise(next.y));
      b = next;
    }
  }
});

test('world bounds hold', () => {
  let b: Body = { x: 20, y: 20, facing: 0, moving: false };
  for (let i = 0; i < 100; i++) b = stepBody(b, DIR_UP | DIR_LEFT, DEFAULT_RULES);
  assert.equal(b.x, BODY_MARGIN_UNITS);
  assert.equal(b.y, BODY_MARGIN_UNITS);
  for (let i = 0; i < 500; i++) b = stepBody(b, DIR_DOWN | DIR_RIGHT, DEFAULT_RULES);
  assert.equal(b.x, DEFAULT_RULES.widthUnits - BODY_MARGIN_UNITS);
  assert.equal(b.y, DEFAULT_RULES.heightUnits - BODY_MARGIN_UNITS);
});

test('the step is deterministic: same inputs, same result', () => {
  const inputs = Array.from({ length: 200 }, (_, i) => (i * 7) % 16);
  const run = () => inputs.reduce((b, d) => stepBody(b, d, DEFAULT_RULES), start);
  assert.deepEqual(run(), run());
});
