/**
 * A fixed-rate loop that does not drift: tick n is due at start + n * intervalMs, and a late
 * tick is followed by a shorter wait rather than shifting every later tick. After a long stall
 * (the process was suspended) it skips ahead instead of running a burst of catch-up ticks.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';

const MAX_CATCH_UP_TICKS = 5;

export class TickLoop {
  private timer: TimerHandle | null = null;
  private startMs = 0;
  private n = 0;
  /** Duration of recent ticks, for metrics. */
  lastTickMs = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock,
    private readonly onTick: () => void,
  ) {}

  start(): void {
    this.startMs = this.clock.now();
    this.n = 0;
    this.schedule();
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const due = this.startMs + (this.n + 1) * this.intervalMs;
    this.timer = this.clock.setTimeout(() => this.run(), Math.max(0, due - this.clock.now()));
  }

  private run(): void {
    const now = this.clock.now();
    const behind = Math.floor((now - this.startMs) / this.intervalMs) - this.n;
    if (behind > MAX_CATCH_UP_TICKS) this.n += behind - 1;
    this.n++;
    const t0 = this.clock.now();
    this.onTick();
    this.lastTickMs = this.clock.now() - t0;
    if (this.timer !== null) this.schedule();
  }
}
