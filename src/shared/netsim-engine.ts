/**
 * The decision engine of the network simulator: pure functions of (Rng, profile, time, bytes).
 * The chaos proxy and the in-client simulator both drive it, and tests drive it without sockets:
 * same seed and same calls => same decisions.
 *
 * Invariant: bytes are never reordered. A chunk's release time is
 *   max(previous release, departure + latency), then pushed past any stall window it lands in,
 * so jitter delays chunks but cannot overtake, and a stall releases everything behind it in a burst.
 */
import type { Rng } from './rng.js';
import type { DirectionProfile, FaultKind, FaultSpec, OutageWindow, StallSpec } from './netsim-profiles.js';

export interface ChunkDecision {
  /** When the chunk reaches the far end (same time base as nowMs). */
  readonly releaseMs: number;
  /** The latency sampled for this chunk (before ordering and stalls). */
  readonly latencyMs: number;
  /** Set when this chunk is the first to run into a stall window. */
  readonly stall: { readonly startMs: number; readonly endMs: number } | null;
}

export interface DirectionEngine {
  schedule(nowMs: number, bytes: number): ChunkDecision;
  /** Applies from nowMs on; chunks already scheduled keep their times. */
  setProfile(profile: DirectionProfile, nowMs: number): void;
  readonly profile: DirectionProfile;
  readonly stallCount: number;
}

interface StallTrack {
  spec: StallSpec;
  rng: Rng;
  startMs: number;
  endMs: number;
}

/** Draws the next window after `afterMs` (Poisson arrivals, uniform length). */
function advance(track: StallTrack, afterMs: number): void {
  const { spec, rng } = track;
  if (spec.ratePerSec <= 0) {
    track.startMs = Infinity;
    track.endMs = Infinity;
    return;
  }
  track.startMs = afterMs + rng.exponential(1000 / spec.ratePerSec);
  track.endMs = track.startMs + rng.range(spec.minMs, spec.maxMs);
}

/** One latency sample: normal(mean, jitter/2) clipped to mean ± jitter, never negative. */
export function sampleLatencyMs(rng: Rng, d: DirectionProfile): number {
  if (d.jitterMs <= 0) return Math.max(0, d.latencyMs);
  const v = rng.normal(d.latencyMs, d.jitterMs / 2);
  return Math.max(0, Math.min(d.latencyMs + d.jitterMs, Math.max(d.latencyMs - d.jitterMs, v)));
}

export function createDirectionEngine(rng: Rng, initial: DirectionProfile, originMs: number): DirectionEngine {
  const latencyRng = rng.fork('latency');
  let profile = initial;
  let tracks: StallTrack[] = [];
  let generation = 0;
  let lastReleaseMs = -Infinity;
  let linkFreeAtMs = -Infinity;
  let lastStallEndMs = -Infinity;
  let stallCount = 0;

  const buildTracks = (fromMs: number): void => {
    // A fresh fork per profile generation keeps a live switch reproducible too.
    tracks = profile.stalls.map((spec, i) => {
      const t: StallTrack = { spec, rng: rng.fork(`stall.${generation}.${i}`), startMs: 0, endMs: 0 };
      advance(t, fromMs);
      return t;
    });
  };
  buildTracks(originMs);

  return {
    get profile() {
      return profile;
    },
    get stallCount() {
      return stallCount;
    },
    setProfile(next, nowMs) {
      profile = next;
      generation++;
      buildTracks(nowMs);
      if (next.bandwidthBytesPerSec === 0) linkFreeAtMs = -Infinity;
    },
    schedule(nowMs, bytes) {
      const latencyMs = sampleLatencyMs(latencyRng, profile);
      let departMs = nowMs;
      if (profile.bandwidthBytesPerSec > 0) {
        departMs = Math.max(nowMs, linkFreeAtMs) + (bytes * 1000) / profile.bandwidthBytesPerSec;
        linkFreeAtMs = departMs;
      }
      let releaseMs = Math.max(lastReleaseMs, departMs + latencyMs);
      let stall: ChunkDecision['stall'] = null;
      // Push past every stall window the release lands in; windows wholly in the past had no data
      // in flight and are skipped. Loop until stable because one window can push into another.
      for (let moved = true; moved; ) {
        moved = false;
        for (const t of tracks) {
          while (t.endMs <= releaseMs) advance(t, t.endMs);
          if (t.startMs <= releaseMs) {
            if (t.endMs > lastStallEndMs) {
              stallCount++;
              lastStallEndMs = t.endMs;
              stall = { startMs: t.startMs, endMs: t.endMs };
            }
            releaseMs = t.endMs;
            moved = true;
          }
        }
      }
      lastReleaseMs = releaseMs;
      return { releaseMs, latencyMs, stall };
    },
  };
}

/** If elapsedMs (since the profile became active) is inside an outage, when it ends; else null. */
export function outageEndAt(outages: readonly OutageWindow[], elapsedMs: number): number | null {
  for (const o of outages) {
    if (elapsedMs >= o.atMs && elapsedMs < o.atMs + o.durationMs) return o.atMs + o.durationMs;
  }
  return null;
}

/** The next outage start after elapsedMs, or null: lets a scheduler set one timer. */
export function nextOutageStart(outages: readonly OutageWindow[], elapsedMs: number): number | null {
  let best: number | null = null;
  for (const o of outages) if (o.atMs > elapsedMs && (best === null || o.atMs < best)) best = o.atMs;
  return best;
}

export interface PlannedFault {
  readonly atMs: number;
  readonly kind: FaultKind;
  /** slowClose: silence before the FIN; serverDown: how long new connections are refused. */
  readonly durationMs: number;
  /** cut: share of the next chunk forwarded before the connection is closed, in (0, 1). */
  readonly cutFraction: number;
}

export interface FaultPlanner {
  /** The next fault after nowMs, or null when the spec has none. */
  next(nowMs: number): PlannedFault | null;
}

export function createFaultPlanner(rng: Rng, spec: FaultSpec | null): FaultPlanner {
  return {
    next(nowMs) {
      if (!spec) return null;
      const entries = Object.entries(spec.weights).filter((e): e is [FaultKind, number] => typeof e[1] === 'number' && e[1] > 0);
      const total = entries.reduce((s, [, w]) => s + w, 0);
      if (total <= 0) return null;
      const atMs = nowMs + rng.range(spec.minIntervalMs, spec.maxIntervalMs);
      let pick = rng.next() * total;
      let kind: FaultKind = entries[entries.length - 1]![0];
      for (const [k, w] of entries) {
        if (pick < w) {
          kind = k;
          break;
        }
        pick -= w;
      }
      const durationRange = kind === 'slowClose' ? spec.slowCloseMs : kind === 'serverDown' ? spec.serverDownMs : ([0, 0] as const);
      const durationMs = rng.range(durationRange[0], durationRange[1]);
      const cutFraction = rng.range(0.1, 0.9);
      return { atMs, kind, durationMs, cutFraction };
    },
  };
}

/**
 * Slice size for pacing: about 20 ms worth of bandwidth, so a 64 KB read is spread over time
 * instead of arriving in one lump a second later.
 */
export function sliceBytesFor(d: DirectionProfile): number {
  if (d.bandwidthBytesPerSec <= 0) return 64 * 1024;
  return Math.max(256, Math.min(16 * 1024, Math.round(d.bandwidthBytesPerSec / 50)));
}
