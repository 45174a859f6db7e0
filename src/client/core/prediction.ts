/**
 * Client-side prediction with server reconciliation for the own player. Every input is applied
 * at once with the shared movement step and kept, with its sequence number, until the server
 * acknowledges it. When a server state arrives the prediction restarts from it and replays the
 * inputs the server has not applied yet; the difference between the old and the new prediction
 * is the correction. Movement is deterministic, so without a server-side disagreement (an input
 * the server dropped, a resume) the correction is exactly zero.
 *
 * Acknowledgements can arrive out of order or repeat (a stale frame after a newer one, a resent
 * full frame): a state older than the newest already used is ignored, so the prediction never
 * goes back to an older server state. The renderer (render-state.ts) smooths small corrections
 * over a few frames and snaps large ones; it learns about them from `correctionX/Y` (running
 * sums) and `snaps` (a counter bumped when the predictor decided a jump must not be smoothed).
 */
import { stepBody, type Body } from '../../shared/movement.js';
import { terrainFor, type Terrain } from '../../shared/terrain.js';
import type { WorldRules } from '../../shared/world-rules.js';

export interface PendingInput {
  readonly seq: number;
  readonly dirs: number;
}

/** Beyond this many unacknowledged inputs the link is stalled; older ones are given up. */
export const MAX_PENDING_INPUTS = 120;
/** A correction (or resync) longer than this is shown as a jump, not smoothed. */
export const SNAP_DISTANCE_PX = 32;

export class Predictor {
  readonly pending: PendingInput[] = [];
  body: Body;
  /** Distance of the last reconciliation's correction. */
  lastCorrectionPx = 0;
  lastAckSeq = 0;
  /** Server tick of the state the prediction was last rebuilt from (-1: none yet). */
  lastServerTick = -1;
  /** Running sums of every correction (new prediction - old), for the renderer's smoothing. */
  correctionX = 0;
  correctionY = 0;
  /** Bumped whenever the body jumped in a way that must not be smoothed. */
  snaps = 0;
  /** Reconciliations that changed the prediction. */
  corrections = 0;

  constructor(
    start: Body,
    private readonly rules: WorldRules,
    private readonly terrain: Terrain = terrainFor(rules),
  ) {
    this.body = start;
  }

  apply(seq: number, dirs: number): void {
    this.pending.push({ seq, dirs });
    if (this.pending.length > MAX_PENDING_INPUTS) this.pending.shift();
    this.body = stepBody(this.body, dirs, this.rules, this.terrain);
  }

  /**
   * A server state for the own body, valid after input `ackSeq` (at server tick `tick`, when
   * known). Returns the correction distance. An older ack, or an older tick with the same ack, is
   * ignored (returns 0): stale states never pull the prediction back.
   */
  reconcile(server: Body, ackSeq: number, tick?: number): number {
    if (ackSeq < this.lastAckSeq) return 0;
    if (tick !== undefined && ackSeq === this.lastAckSeq && tick < this.lastServerTick) return 0;
    this.lastAckSeq = ackSeq;
    if (tick !== undefined) this.lastServerTick = tick;
    while (this.pending.length > 0 && this.pending[0]!.seq <= ackSeq) this.pending.shift();
    let body = server;
    for (const input of this.pending) body = stepBody(body, input.dirs, this.rules, this.terrain);
    const dx = body.x - this.body.x;
    const dy = body.y - this.body.y;
    const correction = Math.hypot(dx, dy);
    this.body = body;
    this.lastCorrectionPx = correction;
    if (correction > 0) {
      this.corrections++;
      this.correctionX += dx;
      this.correctionY += dy;
      if (correction > SNAP_DISTANCE_PX) this.snaps++;
    }
    return correction;
  }

  /**
   * After a resume or rejoin: the server state is the truth and nothing pressed before counts
   * (the server cleared its queue too, see World.clearInputs). A body that did not move stays
   * exactly where it is drawn; a small difference is smoothed; a large one snaps.
   */
  reset(server: Body, ackSeq: number): void {
    const dx = server.x - this.body.x;
    const dy = server.y - this.body.y;
    const distance = Math.hypot(dx, dy);
    this.pending.length = 0;
    this.lastAckSeq = ackSeq;
    this.lastServerTick = -1;
    this.body = server;
    if (distance > 0) {
      this.correctionX += dx;
      this.correctionY += dy;
      this.lastCorrectionPx = distance;
      if (distance > SNAP_DISTANCE_PX) this.snaps++;
    }
  }
}
