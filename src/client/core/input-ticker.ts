/**
 * The client's fixed input tick. Every frame (browser) or timer (bots) advances it to the
 * current time: one input per elapsed tick of the held directions, each with its own seq, handed
 * to prediction at once and to the batcher, which decides when it goes on the wire
 * (input-batcher.ts). It never waits for the network.
 *
 * Standing still sends nothing (an input is made only while a key is held, and once more when it
 * is let go). A long pause (hidden tab) does not turn into a burst of catch-up movement: at most
 * one tick of time is carried over. While not live no inputs are made at all: nothing pressed
 * into a dead link is replayed later.
 */
import { InputBatcher } from './input-batcher.js';

/** More time than this in the accumulator is a pause, not lag to catch up. */
const MAX_CARRIED_TICKS = 3;

export interface InputSink {
  /** Prediction applies the input at once. */
  apply(seq: number, dirs: number): void;
  /** A frame of batched inputs for the wire. */
  send(frame: Uint8Array): void;
}

export class InputTicker {
  /** Directions held now (a bit set, see shared/movement.ts). */
  heldDirs = 0;
  private seq = 0;
  private accumulatorMs = 0;
  private lastAdvanceMs: number | null = null;
  private lastSentDirs = 0;
  private readonly batcher: InputBatcher;

  constructor(flushTicks?: number) {
    this.batcher = new InputBatcher(flushTicks);
  }

  /** `tickMs` null: not live (no rules yet, or the connection is down): time passes, no inputs. */
  advance(nowMs: number, tickMs: number | null, sink: InputSink): void {
    if (tickMs === null) {
      this.lastAdvanceMs = nowMs;
      this.accumulatorMs = 0;
      this.batcher.discard();
      return;
    }
    if (this.lastAdvanceMs === null) this.lastAdvanceMs = nowMs;
    this.accumulatorMs += Math.max(0, nowMs - this.lastAdvanceMs);
    this.lastAdvanceMs = nowMs;
    if (this.accumulatorMs > tickMs * MAX_CARRIED_TICKS) this.accumulatorMs = tickMs;
    while (this.accumulatorMs >= tickMs) {
      this.accumulatorMs -= tickMs;
      const dirs = this.heldDirs;
      if (dirs === 0 && this.lastSentDirs === 0) continue;
      this.seq++;
      sink.apply(this.seq, dirs);
      this.lastSentDirs = dirs;
      const frame = this.batcher.push(this.seq, dirs);
      if (frame) sink.send(frame);
    }
  }

  /** Fraction of the current tick that has elapsed, for sub-tick rendering. */
  fraction(tickMs: number): number {
    return Math.min(1, this.accumulatorMs / tickMs);
  }

  /** A welcome: seqs continue after what the server acknowledged; waiting inputs are dropped. */
  restart(ackSeq: number): void {
    this.seq = Math.max(this.seq, ackSeq);
    this.lastSentDirs = 0;
    this.batcher.discard();
  }

  get lastSeq(): number {
    return this.seq;
  }
}
