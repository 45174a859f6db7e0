/**
 * Client-side prediction with server reconciliation for the own player. Every input is applied
 * at once with the shared movement step and kept, with its sequence number, until the server
 * acknowledges it. When a server state arrives the prediction restarts from it and replays the
 * inputs the server has not applied yet; the difference between the old and the new prediction
 * is the correction, which the renderer smooths when small and snaps when large.
 */
import { stepBody, type Body } from '../../shared/movement.js';
import type { WorldRules } from '../../shared/world-rules.js';

export interface PendingInput {
  readonly seq: number;
  readonly dirs: number;
}

/** Beyond this many unacknowledged inputs the link is stalled; older ones are given up. */
export const MAX_PENDING_INPUTS = 120;

export class Predictor {
  readonly pending: PendingInput[] = [];
  body: Body;
  lastCorrectionPx = 0;
  lastAckSeq = 0;

  constructor(
    start: Body,
    private readonly rules: WorldRules,
  ) {
    this.body = start;
  }

  apply(seq: number, dirs: number): void {
    this.pending.push({ seq, dirs });
    if (this.pending.length > MAX_PENDING_INPUTS) this.pending.shift();
    this.body = stepBody(this.body, dirs, this.rules);
  }

  /**
   * A server state for the own body, valid after input `ackSeq`. Acks can arrive out of order
   * (a stale snapshot after a newer one): an older ack than one already seen is ignored.
   */
  reconcile(server: Body, ackSeq: number): number {
    if (ackSeq < this.lastAckSeq) return 0;
    this.lastAckSeq = ackSeq;
    while (this.pending.length > 0 && this.pending[0]!.seq <= ackSeq) this.pending.shift();
    let body = server;
    for (const input of this.pending) body = stepBody(body, input.dirs, this.rules);
    const correction = Math.hypot(body.x - this.body.x, body.y - this.body.y);
    this.body = body;
    this.lastCorrectionPx = correction;
    return correction;
  }

  /** After a resume: the server state is the truth and nothing pressed before counts. */
  reset(server: Body, ackSeq: number): void {
    this.pending.length = 0;
    this.lastAckSeq = ackSeq;
    this.body = server;
  }
}
