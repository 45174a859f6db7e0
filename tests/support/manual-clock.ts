/**
 * The one manual clock for tests: time stands still until the test moves it, and timers run only
 * inside advance() (or runUntil), in time order, each with now() at its due time. Timers a timer
 * starts run in the same advance if they fall due within it. jump() moves time without running
 * timers, like a blocked process.
 */
import type { Clock, TimerHandle } from '../../src/shared/clock.js';

interface Timer {
  readonly at: number;
  readonly fn: () => void;
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  /** Added to now() for wallMs(): any fixed epoch will do. */
  private readonly epochMs: number;

  constructor(startMs = 0, epochMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
    this.epochMs = epochMs;
  }

  now(): number {
    return this.t;
  }

  wallMs(): number {
    return this.epochMs + this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.timers.delete(next[0]);
      // A timer that fell due during a jump runs late, at the current time.
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
  }

  /**
   * Moves time forward without running the timers that fall due: a process that was blocked or
   * suspended. They run, late, at the next advance.
   */
  jump(ms: number): void {
    this.t += ms;
  }

  /** Advances in `stepMs` steps until `ok()` holds; throws after `maxMs` of clock time. */
  runUntil(ok: () => boolean, what: string, maxMs = 60_000, stepMs = 10): void {
    const end = this.t + maxMs;
    while (!ok()) {
      if (this.t >= end) throw new Error(`manual clock: ${what} did not happen within ${maxMs} ms`);
      this.advance(stepMs);
    }
  }

  private nextDue(end: number): [number, Timer] | null {
    let next: [number, Timer] | null = null;
    for (const e of this.timers) {
      if (e[1].at <= end && (!next || e[1].at < next[1].at || (e[1].at === next[1].at && e[0] < next[0]))) next = e;
    }
    return next;
  }
}
