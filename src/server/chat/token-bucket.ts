/** A token bucket: `capacity` actions at once, refilled at `perSecond`. Time is passed in. */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  /** Takes a token if there is one; otherwise returns how long until there will be. */
  take(nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) };
  }

  /** Takes as many of `want` tokens as there are (whole ones) and returns how many it took. */
  takeUpTo(nowMs: number, want: number): number {
    this.refill(nowMs);
    const got = Math.max(0, Math.min(want, Math.floor(this.tokens)));
    this.tokens -= got;
    return got;
  }

  private refill(nowMs: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, nowMs - this.lastMs) / 1000) * this.perSecond);
    this.lastMs = nowMs;
  }
}
