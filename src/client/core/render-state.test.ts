import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIR_LEFT, DIR_RIGHT, type Body } from '../../shared/movement.js';
import type { PlayerInfo } from '../../shared/protocol.js';
import { DEFAULT_RULES } from '../../shared/world-rules.js';
import { InterpolationBuffer } from './interpolation.js';
import { PlaybackClock } from './playback-clock.js';
import { Predictor } from './prediction.js';
import { RenderState, type RenderSource } from './render-state.js';

const rules = DEFAULT_RULES;
const TICK = 1000 / rules.tickRateHz;
const FRAME = 1000 / 60;
const perFrame = (rules.speedUnitsPerS * FRAME) / 1000;

/** A minimal client: a fixed input tick like TetherClient.advance, a predictor and players. */
class FakeClient implements RenderSource {
  selfId: number | null = 1;
  rules = rules;
  predictor: Predictor;
  heldDirections = 0;
  status = { kind: 'live' };
  players = new Map<number, { info: PlayerInfo; buffer: InterpolationBuffer }>();
  playback = new PlaybackClock({ tickMs: TICK });
  private acc = 0;
  private last: number | null = null;
  private seq = 0;
  constructor(start: Body) {
    this.predictor = new Predictor(start, rules);
  }
  get tickFraction(): number {
    return Math.min(1, this.acc / TICK);
  }
  advance(now: number): void {
    if (this.last !== null) this.acc += now - this.last;
    this.last = now;
    while (this.acc >= TICK) {
      this.acc -= TICK;
      this.predictor.apply(++this.seq, this.heldDirections);
    }
  }
}

const info = (id: number): PlayerInfo => ({ id, name: `p${id}`, character: 0, x: 100, y: 100, facing: 0, state: 'live' });

test('own player: an input moves the drawn body in the same frame it is read, at walking speed', () => {
  const c = new FakeClient({ x: 500, y: 500, facing: 0, moving: false });
  const view = new RenderState(c);
  let now = 1000;
  c.advance(now);
  let prev = view.frame(now).self!;
  for (let i = 0; i < 200; i++) {
    now += FRAME;
    // Reverse every 17 frames, stop every 40: direction changes land at every tick phase.
    const dirs = i % 40 >= 35 ? 0 : Math.floor(i / 17) % 2 ? DIR_LEFT : DIR_RIGHT;
    const changed = dirs !== c.heldDirections;
    c.heldDirections = dirs;
    c.advance(now);
    const cur = view.frame(now).self!;
    const dx = cur.x - prev.x;
    if (dirs === DIR_RIGHT) assert.ok(dx >= perFrame * 0.99, `frame ${i}: right input, moved ${dx}`);
    if (dirs === DIR_LEFT) assert.ok(dx <= -perFrame * 0.99, `frame ${i}: left input, moved ${dx}`);
    if (dirs === 0 && changed) assert.ok(Math.abs(dx) <= perFrame * 0.51, `frame ${i}: released, moved ${dx}`);
    assert.ok(Math.abs(dx) <= perFrame * 1.51 + 1e-9, `frame ${i}: too fast ${dx}`);
    prev = cur;
  }
});

test('own player: a small correction is smoothed over a few frames, a large one snaps', () => {
  const start = { x: 500, y: 500, facing: 0 as const, moving: false };
  const c = new FakeClient(start);
  const view = new RenderState(c);
  let now = 0;
  view.frame(now);
  c.predictor.reconcile({ ...start, x: 506 }, 0);
  const xs: number[] = [];
  for (let i = 0; i < 20; i++) xs.push(view.frame((now += FRAME)).self!.x);
  assert.ok(xs[0]! < 506 && xs[0]! > 500, `first frame ${xs[0]}`);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! - xs[i - 1]! <= perFrame * 0.5 + 1e-9);
  assert.equal(xs.at(-1), 506);
  c.predictor.reconcile({ ...start, x: 700 }, 0);
  assert.equal(view.frame((now += FRAME)).self!.x, 700);
});

test('others: drawn at the playhead; a sample that jumps is glided to, a teleport snaps', () => {
  const c = new FakeClient({ x: 500, y: 500, facing: 0, moving: false });
  const buf = new InterpolationBuffer();
  c.players.set(2, { info: info(2), buffer: buf });
  const view = new RenderState(c);
  // Walks right 6 units per tick; frames arrive on time.
  let tick = 0;
  let now = 0;
  const feed = () => {
    while (tick * TICK <= now) {
      buf.push({ timeMs: tick * TICK, x: 100 + tick * 6, y: 100, facing: 2, moving: true });
      c.playback.onFrame(tick * TICK, tick * TICK + 20);
      tick++;
    }
  };
  let prev: number | null = null;
  for (; now < 3000; now += FRAME) {
    feed();
    const f = view.frame(now);
    const me = f.others.get(2)!;
    const truth = 100 + (f.playheadMs / TICK) * 6;
    assert.ok(Math.abs(me.x - truth) < 1e-6 || f.playheadMs < 0, `at ${now}: ${me.x} vs ${truth}`);
    if (prev !== null) assert.ok(me.x - prev <= perFrame * 1.1);
    prev = me.x;
  }
  // Teleport: snaps.
  buf.reset({ timeMs: tick * TICK, x: 900, y: 900, facing: 0, moving: false });
  const far = view.frame((now += FRAME)).others.get(2)!;
  assert.equal(far.x, 900);
  // A small jump of the sample (a wrong extrapolation corrected): glided, at most 1.3x speed.
  buf.reset({ timeMs: tick * TICK, x: 912, y: 900, facing: 0, moving: false });
  const a = view.frame((now += FRAME)).others.get(2)!;
  assert.ok(a.x > 900 && a.x - 900 <= perFrame * 1.3 + 1e-9, `glide ${a.x}`);
});

test('frame(now) is cached per now and drops players who left', () => {
  const c = new FakeClient({ x: 500, y: 500, facing: 0, moving: false });
  const buf = new InterpolationBuffer();
  buf.push({ timeMs: 0, x: 100, y: 100, facing: 0, moving: false });
  c.players.set(2, { info: info(2), buffer: buf });
  c.playback.onFrame(0, 0);
  const view = new RenderState(c);
  const f = view.frame(10);
  assert.equal(view.frame(10), f);
  assert.equal(f.others.get(2)!.x, 100);
  c.players.delete(2);
  assert.equal(view.frame(20).others.size, 0);
});
