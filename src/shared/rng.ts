/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for anything that must replay: the network
 * simulator, bots, tests. Math.random cannot be seeded, so a run that found a bug could not be
 * repeated. Not for secrets.
 *
 * `fork(label)` derives a child stream from the *seed* and the label, never from the parent's
 * current position, so the decisions of one connection/direction do not depend on how many numbers
 * other connections happened to draw first (interleaving of sockets is not reproducible; seeds are).
 */
export interface Rng {
  /** The 32-bit seed this stream was created from (forks report their derived seed). */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  /** Uniform real in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Gaussian (Box-Muller). */
  normal(mean: number, sd: number): number;
  /** Exponential with the given mean: waiting time of a Poisson process. */
  exponential(mean: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  fork(label: string): Rng;
}

/** splitmix32: spreads nearby seeds (1, 2, 3...) into unrelated states. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the label's UTF-16 code units, mixed with the parent seed. */
function hashLabel(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return splitmix32(h)();
}

export function createRng(seed: number): Rng {
  const seed32 = Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
  const init = splitmix32(seed32);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  // sfc32 needs a few rounds before the output is well mixed.
  const raw = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) raw();
  let spareNormal: number | null = null;

  const rng: Rng = {
    seed: seed32,
    next: () => raw() / 4294967296,
    int: (lo, hi) => {
      const l = Math.ceil(Math.min(lo, hi));
      const h = Math.floor(Math.max(lo, hi));
      return l + Math.floor(rng.next() * (h - l + 1));
    },
    range: (lo, hi) => lo + rng.next() * (hi - lo),
    normal: (mean, sd) => {
      if (spareNormal !== null) {
        const z = spareNormal;
        spareNormal = null;
        return mean + sd * z;
      }
      // 1 - next() is in (0, 1], so the log is finite.
      const u = 1 - rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    exponential: (mean) => -Math.log(1 - rng.next()) * mean,
    chance: (p) => rng.next() < p,
    fork: (label) => createRng(hashLabel(seed32, label)),
  };
  return rng;
}
