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
 * A recipient gets a full frame when ClientLink.needsFullState is set (join, resume, or a frame
 * skipped for backpressure, after which its model would be wrong), a delta otherwise.
 */
import { stepBody, type Body } from '../../shared/movement.js';
import { SNAPSHOT_DELTA, SNAPSHOT_FULL, encodeSnapshot, type BodyState } from '../../shared/snapshot-codec.js';
import type { ClientLink } from '../net/client-link.js';
import { directStateWriter, type StateWriter } from '../net/state-writer.js';
import type { World } from './world.js';

/** A player as the broadcaster needs it; `link` is null while the player is in its grace period. */
export interface Recipient {
  readonly id: number;
  readonly link: ClientLink | null;
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

  constructor(private readonly writer: StateWriter = directStateWriter) {}

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
    try {
      for (const r of recipients) {
        const link = r.link;
        if (!link) continue;
        const ack = world.bodies.get(r.id)?.ackSeq ?? 0;
        const wantsFull = link.needsFullState;
        if (wantsFull && !full) full = encodeSnapshot({ kind: SNAPSHOT_FULL, tick: world.tick, ackSeq: 0, bodies: this.allBodies(), removed: [] });
        const frame = wantsFull ? full! : delta;
        // The link writes its own ackSeq into its copy (no per-recipient copy here).
        if (link.sendState(frame, ack, this.writer)) {
          link.needsFullState = false;
          this.stats.framesSent++;
          this.stats.bytesSent += frame.length;
          if (wantsFull) this.stats.fullFramesSent++;
        } else {
          this.stats.framesSkipped++;
        }
      }
    } finally {
      // Frames queued for this tick leave now, even if a recipient threw: held over to the next
      // tick they could land after control messages sent in between.
      this.writer.flush();
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
