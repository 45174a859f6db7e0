/**
 * How long the server lets a player's inputs wait before it starts applying a walk: a per-player
 * playout delay sized from how late that player's inputs arrive, so a straight walk is applied
 * without gaps (a gap is a tick the body stands, which every watcher sees as a stutter).
 *
 * Inputs are one per client tick with consecutive seqs, so within one walk (a run: from the first
 * input after a release or a resume) input `seq` is due at `runOffset + seq` server ticks, where
 * the run's earliest-arriving input sets runOffset. Lateness = arrival tick - due tick. The
 * client's batching alone makes the first input of every batch (flushTicks - 1) ticks late;
 * network jitter adds to that. The delay is the largest lateness among the player's last
 * WINDOW_INPUTS inputs (counted in inputs, not time, so standing still does not forget it),
 * capped at MAX_PLAYOUT_DELAY_TICKS.
 *
 * Only the start of a walk waits (World.step): once a body walks it takes one input per tick, and
 * the inputs that waited are the slack that absorbs later lateness. Turns and stops queue behind
 * the walk in seq order, so nothing is reordered or skipped and client prediction stays exact.
 */
export const MAX_PLAYOUT_DELAY_TICKS = 10;
/** Before a player's inputs were measured: what the default client batching (4 per frame) needs. */
export const INITIAL_PLAYOUT_DELAY_TICKS = 3;
const BUCKET_INPUTS = 20;
const BUCKETS = 10;

export class InputPlayout {
  private runOffset: number | null = null;
  /** Largest lateness per bucket of BUCKET_INPUTS inputs, newest last. */
  private readonly peaks: number[] = [INITIAL_PLAYOUT_DELAY_TICKS];
  private inBucket = 0;
  /** Ticks the playout currently waits at the start of a walk. */
  delayTicks = INITIAL_PLAYOUT_DELAY_TICKS;

  /** Input `seq` arrived when the world was at `tick`; `newRun` when it follows a release or a resume. */
  arrived(seq: number, tick: number, newRun: boolean): void {
    const offset = tick - seq;
    if (newRun || this.runOffset === null || offset < this.runOffset) this.runOffset = offset;
    const late = Math.min(MAX_PLAYOUT_DELAY_TICKS, offset - this.runOffset);
    if (this.inBucket === BUCKET_INPUTS) {
      this.peaks.push(0);
      if (this.peaks.length > BUCKETS) this.peaks.shift();
      this.inBucket = 0;
    }
    this.inBucket++;
    const last = this.peaks.length - 1;
    if (late > this.peaks[last]!) this.peaks[last] = late;
    this.delayTicks = Math.max(...this.peaks);
  }

  /** The link restarted (resume): the next input starts a new run. */
  restart(): void {
    this.runOffset = null;
  }
}
