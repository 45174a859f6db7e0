import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATCH_UP_LIMIT_MS, PlaybackClock } from './playback-clock.js';
import { createRng } from '../../shared/rng.js';

const TICK = 50;

/** Drives a clock at 60 fps for `ms`, with frames arriving per `arrival(tick)`; returns playheads. */
function run(clock: PlaybackClock, ms: number, arrival: (tick: number) => number, startMs = 0): { t: number; p: number }[] {
  const pending: Array<{ tick: number; at: number }> = [];
  for (let tick = Math.floor(startMs / TICK); tick * TICK < startMs + ms + 5000; tick++) pending.push({ tick, at: arrival(tick) });
  pending.sort((a, b) => a.at - b.at);
  const out: { t: number; p: number }[] = [];
  let i = 0;
  for (let t = startMs; t <= startMs + ms; t += 1000 / 60) {
    while (i < pending.length && pending[i]!.at <= t) {
      clock.onFrame(pending[i]!.tick * TICK, pending[i]!.at);
      i++;
    }
    if (clock.started) out.push({ t, p: clock.update(t) });
  }
  return out;
}

test('starts at two update intervals and adapts down to one interval plus margin on a clean link', () => {
  const c = new PlaybackClock({ tickMs: TICK });
  assert.equal(c.targetDelayMs, 100);
  run(c, 10_000, (tick) => tick * TICK + 30);
  assert.ok(c.targetDelayMs >= 55 && c.targetDelayMs <= 65, `target ${c.targetDelayMs}`);
  assert.ok(Math.abs(c.delayMs - c.targetDelayMs) < 10, `delay ${c.delayMs}`);
});

test('adapts up to the measured jitter', () => {
  const c = new PlaybackClock({ tickMs: TICK });
  const rng = createRng(7);
  run(c, 20_000, (tick) => tick * TICK + 80 + rng.next() * 200);
  // 95 % of lateness within ~190 ms: one interval + that + margin.
  assert.ok(c.targetDelayMs > 220 && c.targetDelayMs < 270, `target ${c.targetDelayMs}`);
  assert.ok(Math.abs(c.delayMs - c.targetDelayMs) < 40, `delay ${c.delayMs}`);
});

test('the playhead never goes back, never runs more than 8 % fast, and waits at the extrapolation bound', () => {
  const c = new PlaybackClock({ tickMs: TICK });
  // A 700 ms stall every 3 s: everything held, then released at once (TCP).
  const arrival = (tick: number) => {
    const sent = tick * TICK + 40;
    const phase = sent % 3000;
    return phase > 1000 && phase < 1700 ? sent - phase + 1700 : sent;
  };
  const ps = run(c, 15_000, arrival);
  for (let i = 1; i < ps.length; i++) {
    const dp = ps[i]!.p - ps[i - 1]!.p;
    const dt = ps[i]!.t - ps[i - 1]!.t;
    assert.ok(dp >= 0, 'monotonic');
    assert.ok(dp <= dt * 1.08 + 1e-6, `speed ${dp / dt} at ${ps[i]!.t}`);
    assert.ok(ps[i]!.p <= c.newestTickTimeMs + c.maxExtrapolationMs + 1e-6);
  }
});

test('a stall a few hundred ms past the delay is a slow-down, not a freeze; the playhead never passes the limit', () => {
  const c = new PlaybackClock({ tickMs: TICK });
  // A clean link for 10 s (the delay settles near one interval), then nothing for 600 ms.
  const ps = run(c, 16_000, (tick) => {
    const sent = tick * TICK + 30;
    return sent >= 10_000 && sent < 10_600 ? 10_600 : sent;
  });
  const stall = ps.filter((x) => x.t >= 10_000 && x.t < 10_650);
  let slowest = Infinity;
  for (let i = 1; i < stall.length; i++) {
    const dp = stall[i]!.p - stall[i - 1]!.p;
    slowest = Math.min(slowest, dp);
  }
  // At walking speed (0.12 units/ms), a frame's move stays above the 0.01 units a viewer would
  // see as frozen: about 0.08 ms of playhead per frame.
  assert.ok(slowest > 0.1, `the playhead kept moving through the stall (slowest frame ${slowest.toFixed(3)} ms)`);
  for (const x of ps) assert.ok(Number.isFinite(x.p));
  const last = ps.at(-1)!;
  assert.ok(last.p <= c.newestTickTimeMs + c.maxExtrapolationMs + 1e-6);
  // Then it drifts back to the target, at most 8 % fast.
  assert.ok(Math.abs(c.delayMs - c.targetDelayMs) < 60, `back near the target after the stall (delay ${c.delayMs.toFixed(0)}, target ${c.targetDelayMs.toFixed(0)})`);
});

test('far behind after an outage: the playhead jumps instead of catching up for seconds', () => {
  const c = new PlaybackClock({ tickMs: TICK });
  run(c, 3000, (tick) => tick * TICK + 20);
  const before = c.playhead!;
  // Five seconds of nothing, then frames again.
  for (let t = 3000; t < 8000; t += 16) c.update(t);
  assert.ok(c.playhead! <= before + 200 + c.maxExtrapolationMs);
  run(c, 500, (tick) => tick * TICK + 20, 8000);
  assert.ok(c.delayMs < c.targetDelayMs + CATCH_UP_LIMIT_MS, `delay ${c.delayMs}`);
  assert.ok(c.delayMs < 300, `delay ${c.delayMs}`);
});

test('reset forgets the timeline (a restarted server counts ticks from zero)', () => {
  const c = new PlaybackClock({ tickMs: TICK });
  run(c, 2000, (tick) => tick * TICK + 20);
  c.reset();
  assert.equal(c.started, false);
  assert.equal(c.playhead, null);
  assert.equal(c.targetDelayMs, 100);
  c.onFrame(0, 5000);
  assert.equal(c.update(5000), -100);
});

test('the default delays follow the tick length of the world rules', () => {
  const c = new PlaybackClock();
  c.tickMs = 1000 / 30;
  assert.equal(Math.round(c.targetDelayMs), 67);
  assert.equal(Math.round(c.minDelayMs), 43);
  const fixed = new PlaybackClock({ initialDelayMs: 150 });
  fixed.tickMs = 1000 / 30;
  assert.equal(fixed.targetDelayMs, 150);
});
