import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { TickLoop } from './tick-loop.js';

test('tick n runs at start + n x interval, and a late tick does not shift the ones after it', () => {
  const clock = new ManualClock(1000);
  const at: number[] = [];
  let slowOnce = true;
  const loop = new TickLoop(50, clock, () => {
    at.push(clock.now());
    // The third tick takes 30 ms: the fourth still runs on its own schedule.
    if (at.length === 3 && slowOnce) {
      slowOnce = false;
      clock.advance(30);
    }
  });
  loop.start();
  clock.advance(300);
  assert.deepEqual(at, [1050, 1100, 1150, 1200, 1250, 1300]);
  assert.equal(loop.lastTickMs, 0);
  loop.stop();
  clock.advance(1000);
  assert.equal(at.length, 6, 'stopped');
  assert.equal(clock.pending, 0);
});

test('a tick that runs late (a busy event loop) is followed by a shorter wait, not a shifted schedule', () => {
  // The clock jumps past a due time without running timers in between, like a blocked process.
  const clock = new ManualClock();
  const at: number[] = [];
  const loop = new TickLoop(50, clock, () => at.push(clock.now()));
  loop.start();
  clock.advance(49);
  clock.jump(71); // tick 1 was due at 50, tick 2 at 100: both run at 120, then on schedule
  clock.advance(80);
  assert.deepEqual(at, [120, 120, 150, 200]);
  loop.stop();
});

test('after a long stall it skips ahead instead of running a burst of catch-up ticks', () => {
  const clock = new ManualClock();
  let ticks = 0;
  const loop = new TickLoop(50, clock, () => ticks++);
  loop.start();
  clock.advance(100);
  assert.equal(ticks, 2);
  clock.jump(10_000);
  clock.advance(0);
  const afterStall = ticks;
  clock.advance(50);
  assert.ok(ticks - afterStall <= 2, `${ticks - afterStall} ticks right after a 10 s stall`);
  clock.advance(1000);
  assert.ok(ticks - afterStall <= 23, 'then back to 20 a second');
  loop.stop();
});

