/**
 * Reconnect delays with exponential backoff and *full* jitter: delay = random(0, min(cap, base*2^n)).
 * Full jitter spreads the clients of a restarted server over the whole window instead of retrying
 * in lock step (see docs/architecture.md). The random source is injected so runs are reproducible.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 10_000 };

/** attempt 0 is the first retry after a drop: always within baseMs. */
export function backoffDelayMs(attempt: number, random: () => number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
