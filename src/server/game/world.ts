/**
 * The authoritative simulation: bodies and their input queues, advanced one fixed tick at a time
 * with the shared movement step on the shared terrain. No I/O and no timers: the tick loop calls
 * step().
 *
 * Inputs are one tick of held directions each. A player's queue absorbs network jitter (inputs
 * that arrive in bursts are applied one per tick, so nobody moves faster than the speed limit);
 * a queue longer than MAX_QUEUED_INPUTS means the client sends faster than the tick rate can use,
 * and the oldest inputs are dropped. A standing body starts a walk only once its first input has
 * waited the player's playout delay (input-playout.ts), so late inputs do not stop it mid-walk.
 */
import { BODY_MARGIN_UNITS, stepBody, type Body, type Facing } from '../../shared/movement.js';
import type { BodyState } from '../../shared/snapshot-codec.js';
import { isFree, nearestFree, terrainFor, type Terrain } from '../../shared/terrain.js';
import type { WorldRules } from '../../shared/world-rules.js';
import { InputPlayout } from './input-playout.js';

export const MAX_QUEUED_INPUTS = 40;

export interface WorldBody {
  readonly id: number;
  body: Body;
  reconnecting: boolean;
  /** Pending [seq, dirs, world tick at arrival], oldest first. */
  readonly queue: Array<readonly [number, number, number]>;
  /** Highest seq ever queued: older or repeated seqs are ignored (out-of-order, replays). */
  lastQueuedSeq: number;
  /** Highest seq applied; sent back to the owner as ackSeq. */
  ackSeq: number;
  /** Set when the body moved since the last position flush to storage. */
  dirty: boolean;
  /** Directions applied in the last step (0: no input that tick); the state broadcaster's motion model. */
  lastDirs: number;
  /** Directions of the newest queued input (a 0 ends a run: the next input starts a walk). */
  lastQueuedDirs: number;
  readonly playout: InputPlayout;
  /** Ticks this body stood mid-walk because its next input had not arrived (jitter the playout missed). */
  starvedTicks: number;
}

export type QueueResult = 'queued' | 'stale' | 'overflow';

export class World {
  readonly bodies = new Map<number, WorldBody>();
  tick = 0;
  droppedInputs = 0;

  constructor(
    readonly rules: WorldRules,
    readonly terrain: Terrain = terrainFor(rules),
  ) {}

  /** Adds a body at (x, y), or at the nearest free spot if that is inside an obstacle or outside the world. */
  add(id: number, x: number, y: number, facing: Facing): WorldBody {
    const at = this.freeSpotNear(x, y);
    const wb: WorldBody = {
      id,
      body: { x: at.x, y: at.y, facing, moving: false },
      reconnecting: false,
      queue: [],
      lastQueuedSeq: 0,
      ackSeq: 0,
      dirty: at.x !== x || at.y !== y,
      lastDirs: 0,
      lastQueuedDirs: 0,
      playout: new InputPlayout(),
      starvedTicks: 0,
    };
    this.bodies.set(id, wb);
    return wb;
  }

  remove(id: number): void {
    this.bodies.delete(id);
  }

  queueInput(id: number, seq: number, dirs: number): QueueResult {
    const wb = this.bodies.get(id);
    if (!wb || seq <= wb.lastQueuedSeq) return 'stale';
    wb.lastQueuedSeq = seq;
    wb.playout.arrived(seq, this.tick, wb.lastQueuedDirs === 0);
    wb.lastQueuedDirs = dirs;
    wb.queue.push([seq, dirs, this.tick]);
    if (wb.queue.length > MAX_QUEUED_INPUTS) {
      wb.queue.shift();
      this.droppedInputs++;
      return 'overflow';
    }
    return 'queued';
  }

  /** Forgets queued inputs (a resume must not replay what was pressed into a dead link). */
  clearInputs(id: number): void {
    const wb = this.bodies.get(id);
    if (!wb) return;
    wb.queue.length = 0;
    wb.ackSeq = wb.lastQueuedSeq;
    wb.lastQueuedDirs = 0;
    wb.playout.restart();
    if (wb.body.moving) wb.body = { ...wb.body, moving: false };
  }

  step(): void {
    this.tick++;
    for (const wb of this.bodies.values()) {
      const head = wb.queue[0];
      const walking = wb.lastDirs !== 0;
      if (!head || (!walking && !this.playoutDue(wb, head[2]))) {
        if (!head && walking && wb.lastQueuedDirs !== 0) wb.starvedTicks++;
        wb.lastDirs = 0;
        if (wb.body.moving) wb.body = { ...wb.body, moving: false };
        continue;
      }
      wb.queue.shift();
      const [seq, dirs] = head;
      const before = wb.body;
      wb.body = stepBody(before, dirs, this.rules, this.terrain);
      wb.lastDirs = dirs;
      wb.ackSeq = seq;
      if (wb.body.x !== before.x || wb.body.y !== before.y) wb.dirty = true;
    }
  }

  bodyStates(): BodyState[] {
    const out: BodyState[] = [];
    for (const wb of this.bodies.values()) {
      out.push({ id: wb.id, x: wb.body.x, y: wb.body.y, facing: wb.body.facing, moving: wb.body.moving, reconnecting: wb.reconnecting });
    }
    return out;
  }

  /**
   * A standing body starts on its oldest input once that input has waited the player's playout
   * delay, or as soon as more inputs than that wait (they are already late enough).
   */
  private playoutDue(wb: WorldBody, arrivedAtTick: number): boolean {
    const delay = wb.playout.delayTicks;
    return this.tick - arrivedAtTick - 1 >= delay || wb.queue.length > delay;
  }

  /** A spot near the centre for a new player, never inside an obstacle. */
  spawnPoint(random: () => number): { x: number; y: number } {
    const cx = this.rules.widthUnits / 2;
    const cy = this.rules.heightUnits / 2;
    return this.freeSpotNear(Math.round(cx + (random() - 0.5) * 160), Math.round(cy + (random() - 0.5) * 160));
  }

  /** (x, y) if a body fits there, else the nearest spot where it does, inside the world. */
  freeSpotNear(x: number, y: number): { x: number; y: number } {
    const bounds = { minX: BODY_MARGIN_UNITS, minY: BODY_MARGIN_UNITS, maxX: this.rules.widthUnits - BODY_MARGIN_UNITS, maxY: this.rules.heightUnits - BODY_MARGIN_UNITS };
    const inside = x >= bounds.minX && x <= bounds.maxX && y >= bounds.minY && y <= bounds.maxY;
    return inside && isFree(this.terrain, x, y) ? { x, y } : nearestFree(this.terrain, x, y, bounds);
  }
}
