/**
 * Figures the bots collect, in a form that merges across worker processes: counters, and
 * fixed-bin histograms of milliseconds (quarter-millisecond bins up to 200 ms, 5 ms bins up to
 * 10 s) from which percentiles are read after merging.
 */
const FINE_LIMIT_MS = 200;
const FINE_BINS = FINE_LIMIT_MS * 4;
const COARSE_BINS = (10_000 - FINE_LIMIT_MS) / 5;
export const HISTOGRAM_BINS = FINE_BINS + COARSE_BINS + 1;

export class MsHistogram {
  readonly bins: number[];
  count = 0;
  max = 0;

  constructor(bins?: readonly number[]) {
    this.bins = bins ? [...bins] : new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const b of this.bins) this.count += b;
  }

  add(ms: number): void {
    const v = Math.max(0, ms);
    const i = v < FINE_LIMIT_MS ? Math.floor(v * 4) : Math.min(HISTOGRAM_BINS - 1, FINE_BINS + Math.floor((v - FINE_LIMIT_MS) / 5));
    this.bins[i] = (this.bins[i] ?? 0) + 1;
    this.count++;
    if (v > this.max) this.max = v;
  }

  merge(other: { bins: readonly number[]; max?: number }): void {
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const n = other.bins[i] ?? 0;
      this.bins[i] = (this.bins[i] ?? 0) + n;
      this.count += n;
    }
    if ((other.max ?? 0) > this.max) this.max = other.max ?? 0;
  }

  /** The value below which a fraction `q` of the samples fall (bin midpoint); NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = q * (this.count - 1);
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      seen += this.bins[i]!;
      if (seen > rank) return i < FINE_BINS ? (i + 0.5) / 4 : FINE_LIMIT_MS + (i - FINE_BINS + 0.5) * 5;
    }
    return this.max;
  }

  reset(): void {
    this.bins.fill(0);
    this.count = 0;
    this.max = 0;
  }

  toJSON(): { bins: number[]; max: number } {
    return { bins: this.bins, max: this.max };
  }
}

/** Inclusive integer ranges, kept sorted and merged: the chat seqs one bot received. */
export class RangeSet {
  readonly ranges: Array<[number, number]> = [];

  add(n: number): void {
    const r = this.ranges;
    const last = r[r.length - 1];
    if (last && n === last[1] + 1) {
      last[1] = n;
      return;
    }
    if (!last || n > last[1] + 1) {
      r.push([n, n]);
      return;
    }
    // Out of order (rare): insert and merge neighbours.
    let i = r.findIndex(([, hi]) => hi >= n - 1);
    const cur = r[i]!;
    if (n >= cur[0] && n <= cur[1]) return;
    if (n === cur[1] + 1) cur[1] = n;
    else if (n === cur[0] - 1) cur[0] = n;
    else {
      r.splice(i, 0, [n, n]);
      return;
    }
    const next = r[i + 1];
    if (next && next[0] <= cur[1] + 1) {
      cur[1] = Math.max(cur[1], next[1]);
      r.splice(i + 1, 1);
    }
    const prev = r[i - 1];
    if (prev && prev[1] >= cur[0] - 1) {
      prev[1] = Math.max(prev[1], cur[1]);
      r.splice(i, 1);
      i--;
    }
  }

  static has(ranges: ReadonlyArray<readonly [number, number]>, n: number): boolean {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = ranges[mid]!;
      if (n < a) hi = mid - 1;
      else if (n > b) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
