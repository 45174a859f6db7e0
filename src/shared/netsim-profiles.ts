/**
 * Weak-network profiles as data (P0-P7 of docs/netsim.md and the network-facts guide). The chaos
 * proxy (src/netsim) and the in-client simulator (src/client/core/simulated-transport.ts) read the
 * same table, so "3g" means the same thing in a benchmark, a test and a browser session.
 *
 * Everything sits above TCP, so IP loss is never modelled as dropped bytes (that would corrupt the
 * stream): it becomes *stalls*, where a direction holds its bytes for a while and then releases
 * them in one burst, which is what a retransmission looks like to the application.
 */

/** Hold-and-release events of one kind, arriving as a Poisson process. */
export interface StallSpec {
  readonly ratePerSec: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** One direction of the link. `up` = client to server, `down` = server to client. */
export interface DirectionProfile {
  /** Mean one-way latency. */
  readonly latencyMs: number;
  /** Spread: latency is normal(latencyMs, jitterMs / 2) clipped to latencyMs ± jitterMs. */
  readonly jitterMs: number;
  /** Serialisation rate; 0 = unlimited. */
  readonly bandwidthBytesPerSec: number;
  readonly stalls: readonly StallSpec[];
}

/** A black hole: both sockets stay open, nothing moves either way (iptables DROP). */
export interface OutageWindow {
  /** Offset from the moment the profile became active. */
  readonly atMs: number;
  readonly durationMs: number;
}

export type FaultKind = 'reset' | 'close' | 'cut' | 'slowClose' | 'serverDown';

/** Connection-killing events, one per connection every [minIntervalMs, maxIntervalMs]. */
export interface FaultSpec {
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Relative weights of the kinds; missing = 0. */
  readonly weights: Readonly<Partial<Record<FaultKind, number>>>;
  /** slowClose: silence for this long, then FIN. */
  readonly slowCloseMs: readonly [number, number];
  /** serverDown: refuse new connections for this long. */
  readonly serverDownMs: readonly [number, number];
}

export interface Profile {
  readonly name: string;
  readonly id: string;
  readonly summary: string;
  readonly up: DirectionProfile;
  readonly down: DirectionProfile;
  readonly outages: readonly OutageWindow[];
  readonly faults: FaultSpec | null;
}

const kbit = (n: number): number => Math.round((n * 1000) / 8);
const mbit = (n: number): number => kbit(n * 1000);

const dir = (latencyMs: number, jitterMs: number, bandwidthBytesPerSec: number, stalls: StallSpec[] = []): DirectionProfile => ({
  latencyMs,
  jitterMs,
  bandwidthBytesPerSec,
  stalls,
});

// Loss rates become stall rates: a lost segment holds the stream for about an RTT (fast
// retransmit) or the 200 ms+ RTO. Rates are per second of connection time, so they do not depend
// on how chatty the game is.
const goodStalls: StallSpec[] = [{ ratePerSec: 0.05, minMs: 60, maxMs: 250 }];
const mobileStalls: StallSpec[] = [{ ratePerSec: 0.2, minMs: 150, maxMs: 450 }];
const threeGStalls: StallSpec[] = [
  { ratePerSec: 0.3, minMs: 400, maxMs: 800 },
  { ratePerSec: 1 / 60, minMs: 2000, maxMs: 5000 },
];
const edgeStalls: StallSpec[] = [
  { ratePerSec: 0.5, minMs: 800, maxMs: 1500 },
  { ratePerSec: 1 / 30, minMs: 2000, maxMs: 6000 },
];

const mobileUp = dir(75, 25, kbit(750), mobileStalls);
const mobileDown = dir(75, 25, mbit(1.6), mobileStalls);

export const PROFILES = {
  ideal: { name: 'ideal', id: 'P0', summary: 'loopback / LAN', up: dir(0, 0, 0), down: dir(0, 0, 0), outages: [], faults: null },
  good: {
    name: 'good',
    id: 'P1',
    summary: 'home Wi-Fi, fast 4G',
    up: dir(30, 10, kbit(1500), goodStalls),
    down: dir(30, 10, mbit(9), goodStalls),
    outages: [],
    faults: null,
  },
  mobile: { name: 'mobile', id: 'P2', summary: 'typical mobile, slow 4G', up: mobileUp, down: mobileDown, outages: [], faults: null },
  '3g': {
    name: '3g',
    id: 'P3',
    summary: 'poor 3G, long stall about once a minute',
    up: dir(200, 50, kbit(500), threeGStalls),
    down: dir(200, 50, kbit(500), threeGStalls),
    outages: [],
    faults: null,
  },
  edge: {
    name: 'edge',
    id: 'P4',
    summary: 'EDGE: frequent stalls and real disconnects',
    up: dir(400, 100, kbit(200), edgeStalls),
    down: dir(400, 100, kbit(240), edgeStalls),
    outages: [],
    faults: {
      minIntervalMs: 60_000,
      maxIntervalMs: 180_000,
      weights: { reset: 3, close: 1 },
      slowCloseMs: [0, 0],
      serverDownMs: [0, 0],
    },
  },
  bursty: {
    name: 'bursty',
    id: 'P5',
    summary: 'bufferbloat: 100-300 ms spikes every few seconds',
    // The spikes are stalls too: queued behind a bloated buffer, then released together.
    up: dir(50, 5, mbit(2), [{ ratePerSec: 0.3, minMs: 100, maxMs: 300 }, { ratePerSec: 0.05, minMs: 100, maxMs: 250 }]),
    down: dir(50, 5, mbit(2), [{ ratePerSec: 0.3, minMs: 100, maxMs: 300 }, { ratePerSec: 0.05, minMs: 100, maxMs: 250 }]),
    outages: [],
    faults: null,
  },
  blackhole: {
    name: 'blackhole',
    id: 'P6',
    summary: 'silence for 1, 3, 10, 30, 120 s (no FIN, no RST), then mobile',
    up: mobileUp,
    down: mobileDown,
    outages: [
      { atMs: 3_000, durationMs: 1_000 },
      { atMs: 10_000, durationMs: 3_000 },
      { atMs: 20_000, durationMs: 10_000 },
      { atMs: 40_000, durationMs: 30_000 },
      { atMs: 90_000, durationMs: 120_000 },
    ],
    faults: null,
  },
  flapping: {
    name: 'flapping',
    id: 'P7',
    summary: 'mobile plus RST, clean close, cut mid-frame, slow close, server down every 20-60 s',
    up: mobileUp,
    down: mobileDown,
    outages: [],
    faults: {
      minIntervalMs: 20_000,
      maxIntervalMs: 60_000,
      weights: { reset: 3, close: 2, cut: 2, slowClose: 1, serverDown: 1 },
      slowCloseMs: [2_000, 10_000],
      serverDownMs: [2_000, 8_000],
    },
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export type ProfileLookup = { ok: true; profile: Profile } | { ok: false; error: string };

export function isProfileName(name: string): name is ProfileName {
  return Object.prototype.hasOwnProperty.call(PROFILES, name);
}

export function getProfile(name: string): ProfileLookup {
  if (!isProfileName(name)) return { ok: false, error: `unknown profile "${name}" (known: ${PROFILE_NAMES.join(', ')})` };
  return { ok: true, profile: PROFILES[name] };
}

function describeDir(d: DirectionProfile): string {
  const bw = d.bandwidthBytesPerSec === 0 ? 'unlimited' : `${Math.round((d.bandwidthBytesPerSec * 8) / 1000)} kbit/s`;
  return `${d.latencyMs}±${d.jitterMs} ms ${bw}`;
}

export function describeProfile(p: Profile): string {
  const parts = [`${p.name} (${p.id}, ${p.summary}):`, `up ${describeDir(p.up)},`, `down ${describeDir(p.down)}`];
  const stalls = p.down.stalls.map((s) => `${s.ratePerSec.toFixed(3)}/s ${s.minMs}-${s.maxMs} ms`);
  if (stalls.length > 0) parts.push(`, stalls ${stalls.join(' + ')}`);
  if (p.outages.length > 0) parts.push(`, outages ${p.outages.map((o) => `${o.durationMs / 1000}s@${o.atMs / 1000}s`).join(' ')}`);
  if (p.faults) parts.push(`, faults every ${p.faults.minIntervalMs / 1000}-${p.faults.maxIntervalMs / 1000} s`);
  return parts.join(' ').replace(/ ,/g, ',');
}

/** Same profile with another name and some fields replaced: tests and benchmarks tweak a preset. */
export function tweakProfile(base: Profile, changes: Partial<Omit<Profile, 'up' | 'down'>> & { up?: Partial<DirectionProfile>; down?: Partial<DirectionProfile> }): Profile {
  return { ...base, ...changes, up: { ...base.up, ...changes.up }, down: { ...base.down, ...changes.down } };
}
