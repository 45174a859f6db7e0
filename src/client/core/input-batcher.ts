/**
 * Decides when the client's inputs go on the wire. Every tick still produces one input with its
 * own seq (prediction applies it at once); what changes is how many socket messages carry them:
 *
 * - a change of held directions (including letting go) is sent at once, with whatever was
 *   waiting, so a turn or a stop reaches the server with no added delay;
 * - while the same keys are held, inputs wait until `flushTicks` of them are collected and go
 *   as one run (input-codec.ts, 7 bytes for any length).
 *
 * At the default of 4, a player walking straight sends 5 messages a second instead of 20: the
 * server reads a quarter of the messages, and the only cost is that other players see a
 * straight walk up to 3 ticks later than before (turns and stops are not delayed; the own player
 * is predicted and feels nothing). The server applies each input exactly once, one per tick, so
 * reconciliation stays exact.
 */
import { MAX_INPUT_RUNS, MAX_TICKS_PER_INPUT_FRAME, encodeInputRuns } from '../../shared/input-codec.js';

export const DEFAULT_INPUT_FLUSH_TICKS = 4;

export class InputBatcher {
  private firstSeq = 0;
  /** Waiting inputs as flat [dirs, count] pairs. */
  private runs: number[] = [];
  private waiting = 0;
  /** Directions of the previous input; -1 makes the next input go at once (after a discard). */
  private lastDirs = -1;

  constructor(readonly flushTicks = DEFAULT_INPUT_FLUSH_TICKS) {
    if (!Number.isInteger(flushTicks) || flushTicks < 1 || flushTicks > MAX_TICKS_PER_INPUT_FRAME - 1) {
      throw new RangeError(`flushTicks must be 1..${MAX_TICKS_PER_INPUT_FRAME - 1}`);
    }
  }

  /** Adds the input for `seq` (seqs come in order, one per tick); returns a frame to send now, or null. */
  push(seq: number, dirs: number): Uint8Array | null {
    if (this.waiting === 0) this.firstSeq = seq;
    const n = this.runs.length;
    if (n > 0 && this.runs[n - 2] === dirs) this.runs[n - 1]!++;
    else this.runs.push(dirs, 1);
    this.waiting++;
    const changed = dirs !== this.lastDirs;
    this.lastDirs = dirs;
    if (changed || this.waiting >= this.flushTicks || this.runs.length >= 2 * MAX_INPUT_RUNS) return this.flush();
    return null;
  }

  /** The waiting inputs as one frame (null when none wait). */
  flush(): Uint8Array | null {
    if (this.waiting === 0) return null;
    const frame = encodeInputRuns(this.firstSeq, this.runs);
    this.runs = [];
    this.waiting = 0;
    return frame;
  }

  /** Forgets waiting inputs: they were pressed into a link that died (the server forgets its queue too). */
  discard(): void {
    this.runs = [];
    this.waiting = 0;
    this.lastDirs = -1;
  }

  get pending(): number {
    return this.waiting;
  }
}
