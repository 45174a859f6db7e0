/**
 * Token buckets by key (an account id, an address), kept in bounded memory: least recently used
 * first out past `maxKeys`. Forgetting a bucket is harmless once it has been idle long enough to
 * refill (capacity / perSecond seconds); `maxKeys` is sized so that only such buckets are
 * forgotten in practice, and a flood of new keys (which themselves cost a profile or an address)
 * cannot grow memory.
 */
import { TokenBucket } from '../chat/token-bucket.js';

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

export class KeyedBuckets<K> {
  private readonly buckets = new Map<K, TokenBucket>();

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: K, nowMs: number): Verdict {
    return this.bucket(key, nowMs).take(nowMs);
  }

  /** Takes up to `want` tokens at once (a byte allowance); returns how many it got. */
  takeUpTo(key: K, nowMs: number, want: number): number {
    return this.bucket(key, nowMs).takeUpTo(nowMs, want);
  }

  private bucket(key: K, nowMs: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else bucket = new TokenBucket(this.capacity, this.perSecond, nowMs);
    // Re-inserted: Map order is then least recently used first.
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as K);
    return bucket;
  }

  get size(): number {
    return this.buckets.size;
  }
}
