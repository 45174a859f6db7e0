/**
 * Turns the world after a tick into binary state frames for every connected player.
 *
 * It keeps one motion model per body, the same one every client runs (see snapshot-codec.ts):
 * "from the last record on, the body steps with the dirs of that record". After each world step
 * the model is stepped too; a body is listed in this tick's delta only where the model and the
 * world disagree (direction change, a tick without input, stop, resume, reconnecting flag, join).
 * Since the model is shared, each tick is encoded at most twice (the delta, and a full frame only
 * if some recipient needs one) and every copy differs only in its 4-byte ackSeq.
 *
 * A recipient gets a full frame when its needsFullState is set (join, resume, or a frame skipped
 * for backpressure, after which its model would be wrong), a delta otherwise. How the frames
 * reach the sockets (one write each, or two threads for big ticks) is the port's business: the
 * composition root flushes its writer after each tick.
 */
import { stepBody, type Body } from '../../shared/movement.js';
import { SNAPSHOT_DELTA, SNAPSHOT_FULL, encodeSnapshot, type BodyState } from '../../shared/snapshot-codec.js';
import type { PlayerPort } from './player-port.js';
import type { World } from './world.js';

/** A player as the broadcaster needs it; `port` is null while the player is away. */
export interface Recipient {
  readonly id: number;
  readonly port: PlayerPort | null;
  /** Set on join and resume, and here after a skipped frame; cleared once a full frame went out. */
  needsFullState: boolean;
}

interface Model {
  body: Body;
  dirs: number;
  reconnecting: boolean;
}

export interface BroadcastStats {
  /** Frames handed to sockets / skipped for slow readers, since start. */
  framesSent: number;
  framesSkipped: number;
  fullFramesSent: number;
  bytesSent: number;
  /** Bodies listed in the last delta. */
  lastDeltaBodies: number;
}

export class StateBroadcaster {
  private readonly models = new Map<number, Model>();
  readonly stats: BroadcastStats = { framesSent: 0, framesSkipped: 0, fullFramesSent: 0, bytesSent: 0, lastDeltaBodies: 0 };

  broadcast(world: World, recipients: Iterable<Recipient>): void {
    const changed = this.advanceModels(world);
    const removed: number[] = [];
    // After advanceModels every body has a model, so a model without a body shows in the counts:
    // bodies leave rarely, and most ticks skip this scan.
    if (this.models.size > world.bodies.size) {
      for (const id of this.models.keys()) {
        if (!world.bodies.has(id)) {
          removed.push(id);
          this.models.delete(id);
        }
      }
    }
    this.stats.lastDeltaBodies = changed.length;
    const delta = encodeSnapshot({ kind: SNAPSHOT_DELTA, tick: world.tick, ackSeq: 0, bodies: changed, removed });
    let full: Uint8Array | null = null;
    for (const r of recipients) {
      const port = r.port;
      if (!port) continue;
      const ack = world.bodies.get(r.id)?.ackSeq ?? 0;
      const wantsFull = r.needsFullState;
      if (wantsFull && !full) full = encodeSnapshot({ kind: SNAPSHOT_FULL, tick: world.tick, ackSeq: 0, bodies: this.allBodies(), removed: [] });
      const frame = wantsFull ? full! : delta;
      // The port writes its own ackSeq into its copy (no per-recipient copy here).
      if (port.sendState(frame, ack)) {
        r.needsFullState = false;
        this.stats.framesSent++;
        this.stats.bytesSent += frame.length;
        if (wantsFull) this.stats.fullFramesSent++;
      } else {
        r.needsFullState = true;
        this.stats.framesSkipped++;
      }
    }
  }

  /** Steps every model one tick and returns the bodies where it disagrees with the world. */
  private advanceModels(world: World): BodyState[] {
    const changed: BodyState[] = [];
    const { rules, terrain } = world;
    for (const wb of world.bodies.values()) {
      const actual = wb.body;
      const m = this.models.get(wb.id);
      if (m) {
        const predicted = stepBody(m.body, m.dirs, rules, terrain);
        if (
          predicted.x === actual.x &&
          predicted.y === actual.y &&
          predicted.facing === actual.facing &&
          predicted.moving === actual.moving &&
          m.reconnecting === wb.reconnecting
        ) {
          m.body = predicted;
          continue;
        }
        m.body = actual;
        m.dirs = wb.lastDirs;
        m.reconnecting = wb.reconnecting;
      } else {
        this.models.set(wb.id, { body: actual, dirs: wb.lastDirs, reconnecting: wb.reconnecting });
      }
      changed.push(stateOf(wb.id, actual, wb.lastDirs, wb.reconnecting));
    }
    return changed;
  }

  private allBodies(): BodyState[] {
    const out: BodyState[] = [];
    for (const [id, m] of this.models) out.push(stateOf(id, m.body, m.dirs, m.reconnecting));
    return out;
  }
}

function stateOf(id: number, b: Body, dirs: number, reconnecting: boolean): BodyState {
  return { id, x: b.x, y: b.y, facing: b.facing, moving: b.moving, reconnecting, dirs };
}
