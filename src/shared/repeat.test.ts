import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../tests/support/manual-clock.js';
import { repeat } from './repeat.js';

test('runs every everyMs until stopped, keeps going when a run throws, and leaves no timer', () => {
  const clock = new ManualClock();
  const at: number[] = [];
  const r = repeat(clock, 100, () => {
    at.push(clock.now());
    if (at.length === 2) throw new Error('one bad run');
  });
  assert.throws(() => clock.advance(250), /one bad run/); // the throw ends that advance at 200
  clock.advance(300);
  assert.deepEqual(at, [100, 200, 300, 400, 500]);
  r.stop();
  r.stop();
  clock.advance(1000);
  assert.equal(at.length, 5);
  assert.equal(clock.pending, 0);
});
