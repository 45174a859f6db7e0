// The server's input playout (src/server/game/input-playout.ts) against the client's prediction:
// inputs delivered on jittered, batched schedules, on random maps. The server must apply exactly
// the client's inputs in seq order, one per tick, so every reconciliation is a zero correction;
// and a straight walk must be applied without standing ticks once the delay covers the jitter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Predictor } from '../src/client/core/prediction.js';
import { World } from '../src/server/game/world.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../src/shared/movement.js';
import { isFree, nearestFree, terrainFromRows, type Terrain } from '../src/shared/terrain.js';
import { DEFAULT_RULES, type WorldRules } from '../src/shared/world-rules.js';
import { createRng } from '../src/shared/rng.js';

const RULES: WorldRules = { ...DEFAULT_RULES, widthUnits: 256, heightUnits: 256 };
const BOUNDS = { minX: 8, minY: 8, maxX: 248, maxY: 248 };

interface Delivery {
  /** Server tick (after that many steps) at which the input arrives. */
  arrivesAfterTick: number;
  seq: number;
  dirs: number;
}

/**
 * The client side of a walk: one input per client tick (none while idle after a release, as
 * TetherClient does), batched `flush` at a time except changes, each message delayed by a random
 * jitter; TCP keeps them in order. Client tick k happens just after server tick k + phase.
 */
function schedule(held: readonly number[], flush: number, jitter: (i: number) => number): Delivery[] {
  const out: Delivery[] = [];
  let seq = 0;
  let last = 0;
  let waiting: Array<{ seq: number; dirs: number }> = [];
  let lastArrival = 0;
  let messages = 0;
  const send = (tick: number): void => {
    if (waiting.length === 0) return;
    lastArrival = Math.max(lastArrival, tick + jitter(messages++));
    for (const w of waiting) out.push({ arrivesAfterTick: lastArrival, ...w });
    waiting = [];
  };
  held.forEach((dirs, tick) => {
    if (dirs === 0 && last === 0) return;
    seq++;
    waiting.push({ seq, dirs });
    const changed = dirs !== last;
    last = dirs;
    if (changed || waiting.length >= flush) send(tick);
  });
  send(held.length);
  return out;
}

function play(terrain: Terrain, held: readonly number[], deliveries: readonly Delivery[]): { corrections: number[]; world: World; predictor: Predictor; moves: boolean[] } {
  const world = new World(RULES, terrain);
  const spawn = nearestFree(terrain, 128, 128, BOUNDS);
  const wb = world.add(1, spawn.x, spawn.y, 0);
  const predictor = new Predictor(wb.body, RULES, terrain);
  // Client prediction applies every input at once, in seq order.
  for (const d of [...deliveries].sort((a, b) => a.seq - b.seq)) predictor.apply(d.seq, d.dirs);
  const clientFinal = predictor.body;
  // Reconcile against a fresh predictor that replays as acks come in.
  const replay = new Predictor(wb.body, RULES, terrain);
  let applied = 0;
  const corrections: number[] = [];
  const moves: boolean[] = [];
  const end = held.length + Math.max(0, ...deliveries.map((d) => d.arrivesAfterTick)) + 60;
  let next = 0;
  const sorted = [...deliveries].sort((a, b) => a.arrivesAfterTick - b.arrivesAfterTick || a.seq - b.seq);
  for (let tick = 0; tick < end; tick++) {
    while (next < sorted.length && sorted[next]!.arrivesAfterTick <= tick) {
      const d = sorted[next++]!;
      world.queueInput(1, d.seq, d.dirs);
    }
    // The client has predicted everything it sent by now (here: all inputs up to this tick).
    while (applied < deliveries.length && deliveries[applied]!.seq <= wb.lastQueuedSeq + 4) {
      replay.apply(deliveries[applied]!.seq, deliveries[applied]!.dirs);
      applied++;
    }
    const before = wb.body;
    world.step();
    moves.push(wb.body.x !== before.x || wb.body.y !== before.y);
    corrections.push(replay.reconcile(wb.body, wb.ackSeq, world.tick));
  }
  assert.deepEqual({ x: replay.body.x, y: replay.body.y }, { x: clientFinal.x, y: clientFinal.y });
  return { corrections, world, predictor: replay, moves };
}

const DIRS = [0, DIR_UP, DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP | DIR_LEFT, DIR_DOWN | DIR_RIGHT, DIR_UP | DIR_RIGHT];

test('property: on random maps and jittered, batched schedules the server ends exactly where the client predicted, with zero corrections', () => {
  const cell = fc.constantFrom('.', '.', '.', '.', '#', 'T');
  const map = fc.array(fc.array(cell, { minLength: 8, maxLength: 8 }).map((r) => r.join('')), { minLength: 8, maxLength: 8 });
  const walk = fc.array(fc.record({ dirs: fc.constantFrom(...DIRS), ticks: fc.integer({ min: 1, max: 30 }) }), { minLength: 1, maxLength: 12 });
  fc.assert(
    fc.property(map, walk, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 8 }), fc.integer(), (rows, segments, flush, maxJitter, seed) => {
      const terrain = terrainFromRows(rows);
      const spawn = nearestFree(terrain, 128, 128, BOUNDS);
      if (!isFree(terrain, spawn.x, spawn.y)) return;
      const held = segments.flatMap((s) => Array<number>(s.ticks).fill(s.dirs));
      const rng = createRng(seed >>> 0);
      const deliveries = schedule(held, flush, () => rng.int(0, maxJitter));
      const { corrections, world, predictor } = play(terrain, held, deliveries);
      assert.ok(corrections.every((c) => c === 0), `corrections ${corrections.filter((c) => c > 0).join(',')}`);
      const wb = world.bodies.get(1)!;
      assert.equal(wb.ackSeq, deliveries.length === 0 ? 0 : deliveries[deliveries.length - 1]!.seq, 'every input applied');
      assert.deepEqual({ x: wb.body.x, y: wb.body.y }, { x: predictor.body.x, y: predictor.body.y });
    }),
    { numRuns: 150, seed: 1414 },
  );
});

test('a straight walk with batched, jittered inputs is applied without a standing tick', () => {
  const open = terrainFromRows(['']);
  // Warm-up walk so the playout has measured this player, a pause, then the walk we watch.
  const held = [...Array<number>(15).fill(DIR_RIGHT), ...Array<number>(20).fill(0), ...Array<number>(18).fill(DIR_DOWN), ...Array<number>(10).fill(0)];
  const rng = createRng(7);
  const deliveries = schedule(held, 4, () => rng.int(0, 2));
  const { moves, world } = play(open, held, deliveries);
  // The watched walk: from its first moving tick, every tick moves until its 80 inputs are used.
  const firstMove = moves.findIndex((m, i) => i > 35 && m);
  const walked = moves.slice(firstMove, firstMove + 18);
  assert.equal(walked.length, 18);
  assert.ok(
    walked.every((m) => m),
    `standing ticks mid-walk at ${walked.map((m, i) => (m ? -1 : i)).filter((i) => i >= 0).join(',')} (playout delay ${world.bodies.get(1)!.playout.delayTicks})`,
  );
  assert.ok(world.bodies.get(1)!.playout.delayTicks <= 6, 'the delay stays near the measured lateness (batching 3 + jitter 2)');
});

test('without the playout (a 0-tick delay), the same schedule stops the body mid-walk: the test can fail', () => {
  const open = terrainFromRows(['']);
  const held = Array<number>(30).fill(DIR_DOWN);
  const rng = createRng(7);
  const deliveries = schedule(held, 4, () => rng.int(0, 2));
  const world = new World(RULES, open);
  const wb = world.add(1, 128, 20, 0);
  wb.playout.delayTicks = 0;
  const origArrived = wb.playout.arrived.bind(wb.playout);
  wb.playout.arrived = (seq, tick, newRun) => {
    origArrived(seq, tick, newRun);
    wb.playout.delayTicks = 0;
  };
  let next = 0;
  for (let tick = 0; tick < 200; tick++) {
    while (next < deliveries.length && deliveries[next]!.arrivesAfterTick <= tick) world.queueInput(1, deliveries[next]!.seq, deliveries[next++]!.dirs);
    world.step();
  }
  assert.ok(wb.starvedTicks > 0, 'batched inputs starve a body that starts at once');
});
