/**
 * The authoritative simulation: bodies and their input queues, advanced one fixed tick at a time
 * with the shared movement step. No I/O and no timers: the tick loop calls step().
 *
 * Inputs are one tick of held directions each. A player's queue absorbs network jitter (inputs
 * that arrive in bursts are applied one per tick, so nobody moves faster than the speed limit);
 * a queue longer than MAX_QUEUED_INPUTS means the client sends faster than the tick rate can use,
 * and the oldest inputs are dropped.
 */
import { BODY_MARGIN_UNITS, stepBody, type Body, type Facing } from '../../shared/movement.js';
import type { BodyState } from '../../shared/snapshot-codec.js';
import type { WorldRules } from '../../shared/world-rules.js';

export const MAX_QUEUED_INPUTS = 40;

export interface WorldBody {
  readonly id: number;
  body: Body;
  reconnecting: boolean;
  /** Pending [seq, dirs] pairs, oldest first. */
  readonly queue: Array<readonly [number, number]>;
  /** Highest seq ever queued: older or repeated seqs are ignored (out-of-order, replays). */
  lastQueuedSeq: number;
  /** Highest seq applied; sent back to the owner as ackSeq. */
  ackSeq: number;
  /** Set when the body moved since the last position flush to storage. */
  dirty: boolean;
  /** Directions applied in the last step (0: no input that tick); the state broadcaster's motion model. */
  lastDirs: number;
}

export type QueueResult = 'queued' | 'stale' | 'overflow';

export class World {
  readonly bodies = new Map<number, WorldBody>();
  tick = 0;
  droppedInputs = 0;

  constructor(readonly rules: WorldRules) {}

  add(id: number, x: number, y: number, facing: Facing): WorldBody {
    const wb: WorldBody = {
      id,
      body: { x: this.clampX(x), y: this.clampY(y), facing, moving: false },
      reconnecting: false,
      queue: [],
      lastQueuedSeq: 0,
      ackSeq: 0,
      dirty: false,
      lastDirs: 0,
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
    wb.queue.push([seq, dirs]);
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
    if (wb.body.moving) wb.body = { ...wb.body, moving: false };
  }

  step(): void {
    this.tick++;
    for (const wb of this.bodies.values()) {
      const next = wb.queue.shift();
      if (!next) {
        wb.lastDirs = 0;
        if (wb.body.moving) wb.body = { ...wb.body, moving: false };
        continue;
      }
      const [seq, dirs] = next;
      const before = wb.body;
      wb.body = stepBody(before, dirs, this.rules);
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

  /** A free-ish spot near the centre for a new player. */
  spawnPoint(random: () => number): { x: number; y: number } {
    const cx = this.rules.widthUnits / 2;
    const cy = this.rules.heightUnits / 2;
    return { x: Math.round(cx + (random() - 0.5) * 160), y: Math.round(cy + (random() - 0.5) * 160) };
  }

  private clampX(x: number): number {
    return Math.min(Math.max(x, BODY_MARGIN_UNITS), this.rules.widthUnits - BODY_MARGIN_UNITS);
  }

  private clampY(y: number): number {
    return Math.min(Math.max(y, BODY_MARGIN_UNITS), this.rules.heightUnits - BODY_MARGIN_UNITS);
  }
}
