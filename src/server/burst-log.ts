/**
 * Logs a repeated event once per burst instead of once per occurrence: a line when a burst
 * starts, and a summary with the count when it has been quiet for `quietMs`. An attacker who
 * repeats something ten thousand times a second gets two log lines, not ten thousand.
 */
import type { Clock, TimerHandle } from '../shared/clock.js';
import { systemClock } from '../shared/system-clock.js';
import type { Logger, LogLevel } from './logger.js';

interface Burst {
  count: number;
  startedMs: number;
  fields: Record<string, unknown>;
  timer: TimerHandle;
}

/** Keys tracked at once; further keys in the same period share one summary. */
const MAX_KEYS = 1000;
const OVERFLOW_KEY = '(other)';

export class BurstLog {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly logger: Logger,
    private readonly level: LogLevel,
    private readonly event: string,
    private readonly quietMs = 10_000,
    private readonly clock: Clock = systemClock,
  ) {}

  note(key: string, fields: Record<string, unknown> = {}): void {
    let k = key;
    if (!this.bursts.has(k) && this.bursts.size >= MAX_KEYS) k = OVERFLOW_KEY;
    const burst = this.bursts.get(k);
    if (burst) {
      burst.count++;
      burst.fields = fields;
      this.clock.clearTimeout(burst.timer);
      burst.timer = this.clock.setTimeout(() => this.end(k), this.quietMs);
      return;
    }
    this.logger.log(this.level, this.event, { key: k, ...fields, burst: 'started' });
    const timer = this.clock.setTimeout(() => this.end(k), this.quietMs);
    this.bursts.set(k, { count: 1, startedMs: this.clock.now(), fields, timer });
  }

  private end(key: string): void {
    const burst = this.bursts.get(key);
    if (!burst) return;
    this.bursts.delete(key);
    if (burst.count <= 1) return;
    this.logger.log(this.level, this.event, { key, ...burst.fields, burst: 'ended', count: burst.count, durationMs: this.clock.now() - burst.startedMs });
  }

  /** Writes the summaries of open bursts now (shutdown). */
  flush(): void {
    for (const [key, burst] of [...this.bursts]) {
      this.clock.clearTimeout(burst.timer);
      this.end(key);
    }
  }
}
