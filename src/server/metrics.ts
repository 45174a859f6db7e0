/**
 * Server metrics: Prometheus series (prom-client, one Registry per server instance so tests can
 * run many servers in one process) and the short in-memory history the status page plots.
 *
 * The room and the gateway call the small hook methods below; gauges that mirror state (players
 * online, sessions in grace, bytes out) are read when scraped.
 *
 * Event-loop delay is measured beside the tick time because the tick only times its own work:
 * a flood handled between ticks (replays, parsing, writes) delays every player's next tick and
 * messages without showing in the tick figure. It is sampled per second (the histogram is read
 * and reset by the sampler).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../shared/clock.js';
import { repeat, type Repeating } from '../shared/repeat.js';
import type { Lobby } from './game/lobby.js';
import type { ClusterFigures } from './cluster/cluster-node.js';
import type { Gateway } from './net/gateway.js';

const TICK_RING = 4800;
const HISTORY_SECONDS = 600;

export interface StatusSample {
  /** Wall clock, ms. */
  readonly t: number;
  readonly players: number;
  readonly inGrace: number;
  readonly rttP50: number | null;
  readonly rttP90: number | null;
  readonly rttP99: number | null;
  readonly drops: number;
  readonly resumes: number;
  readonly tickP50: number | null;
  readonly tickP99: number | null;
  readonly tickMax: number | null;
  readonly bytesOutPerS: number;
  /** Event-loop delay over this second, ms (how late timers and I/O callbacks ran). */
  readonly loopP50: number | null;
  readonly loopP99: number | null;
  readonly loopMax: number | null;
}

/** How often the delay monitor's timer fires; delays shorter than this are not seen. */
const LOOP_RESOLUTION_MS = 10;

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly tickHist: Histogram;
  private readonly rttHist: Histogram;
  private readonly resumeLatency: Histogram;
  private readonly resumes: Counter<'outcome'>;
  private readonly disconnects: Counter<'kind'>;
  private readonly rejectedMsgs: Counter<'reason'>;
  private readonly redirects: Counter;
  private readonly skipped: Counter;
  private readonly refusedConns: Counter<'reason'>;
  private closedLinkBytes = 0;
  private readonly tickMs = new Float64Array(TICK_RING);
  private readonly tickAt = new Float64Array(TICK_RING);
  private tickN = 0;
  readonly history: StatusSample[] = [];
  private dropsThisSecond = 0;
  private resumesThisSecond = 0;
  private lastBytesOut = 0;
  private sampler: Repeating | null = null;
  private lastSkipped = 0;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  constructor(
    private readonly room: Lobby,
    private readonly gateway: Gateway,
    private readonly clock: Clock,
    cluster: ClusterFigures | null = null,
  ) {
    const registers = [this.registry];
    new Gauge({ name: 'tether_players_online', help: 'Players in the world (live or in their grace period)', registers, collect() { this.set(room.playerCount); } });
    new Gauge({ name: 'tether_players_live', help: 'Players with a live connection', registers, collect() { this.set(room.playerCount - room.inGraceCount); } });
    new Gauge({ name: 'tether_sessions_in_grace', help: 'Dropped players whose seat is held for a resume', registers, collect() { this.set(room.inGraceCount); } });
    new Gauge({ name: 'tether_connections', help: 'Open WebSocket connections', registers, collect() { this.set(gateway.links.size); } });
    const self = this;
    new Gauge({
      name: 'tether_bytes_out',
      help: 'Payload bytes sent to clients since start (state frames and control messages)',
      registers,
      collect() {
        this.set(self.bytesOut());
      },
    });
    new Gauge({ name: 'tether_state_bytes_out', help: 'Bytes of binary state frames sent since start', registers, collect() { this.set(room.stateStats.bytesSent); } });
    new Gauge({ name: 'tether_state_full_frames_sent', help: 'Full state frames sent since start (joins, resumes, after skips)', registers, collect() { this.set(room.stateStats.fullFramesSent); } });
    new Gauge({ name: 'tether_state_delta_bodies', help: 'Bodies listed in the last delta frame', registers, collect() { this.set(room.stateStats.lastDeltaBodies); } });
    this.skipped = new Counter({
      name: 'tether_state_updates_skipped_total',
      help: 'State frames not sent because the reader was slow (send buffer over the limit)',
      registers,
      collect() {
        const now = room.stateStats.framesSkipped;
        if (now > self.lastSkipped) this.inc(now - self.lastSkipped);
        self.lastSkipped = now;
      },
    });
    new Gauge({
      name: 'tether_event_loop_delay_seconds',
      help: 'Event-loop delay over the last full second (quantile 0.5, 0.99 and max): lag outside the tick shows here',
      labelNames: ['quantile'],
      registers,
      collect() {
        const last = self.history[self.history.length - 1];
        this.set({ quantile: '0.5' }, (last?.loopP50 ?? 0) / 1000);
        this.set({ quantile: '0.99' }, (last?.loopP99 ?? 0) / 1000);
        this.set({ quantile: 'max' }, (last?.loopMax ?? 0) / 1000);
      },
    });
    this.tickHist = new Histogram({ name: 'tether_tick_duration_seconds', help: 'Time to step the world and send the state frames', registers, buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.035, 0.05, 0.1] });
    this.rttHist = new Histogram({ name: 'tether_rtt_seconds', help: 'WebSocket ping to pong round trip per connection', registers, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5] });
    this.resumeLatency = new Histogram({ name: 'tether_resume_latency_seconds', help: 'From the server noticing a drop to the resume (0 when it had not noticed yet)', registers, buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60] });
    this.resumes = new Counter({ name: 'tether_resumes_total', help: 'Resume attempts by outcome', labelNames: ['outcome'], registers });
    this.disconnects = new Counter({ name: 'tether_disconnects_total', help: 'Players losing their connection, by kind (dropped = grace period started, left, grace_expired)', labelNames: ['kind'], registers });
    this.redirects = new Counter({ name: 'tether_redirects_total', help: 'Players sent to the node that runs their world (moved)', registers });
    this.rejectedMsgs = new Counter({ name: 'tether_rejected_messages_total', help: 'Messages or connections refused, by reason', labelNames: ['reason'], registers });
    this.refusedConns = new Counter({ name: 'tether_connections_refused_total', help: 'TCP connections closed by the connection guard: server_full, address_full, first_request_timeout', labelNames: ['reason'], registers });
    new Gauge({ name: 'tether_tcp_connections', help: 'Open TCP connections to the HTTP port (WebSockets included)', registers, collect() { this.set(self.openConnections()); } });
    // Series with labels show up as 0 before the first event.
    for (const r of ['server_full', 'address_full', 'first_request_timeout']) this.refusedConns.inc({ reason: r }, 0);
    for (const o of ['resumed', 'refused']) this.resumes.inc({ outcome: o }, 0);
    for (const k of ['dropped', 'left', 'grace_expired']) this.disconnects.inc({ kind: k }, 0);
    void this.skipped;
    if (cluster) this.clusterSeries(cluster);
  }

  /** A cluster node's own figures (docs/cluster.md): what it owns, and what its leases and fences did. */
  private clusterSeries(c: ClusterFigures): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(read()); } });
    gauge('tether_cluster_worlds_owned', 'Worlds this node runs now', () => c.worldsOwned());
    gauge('tether_cluster_lease_renewals_total', 'World lease renewals that reached Redis', () => c.leaseRenewals());
    gauge('tether_cluster_lease_renewal_failures_total', 'World lease renewals that failed (Redis unreachable or slow)', () => c.leaseRenewalFailures());
    gauge('tether_cluster_fenced_writes_refused_total', 'Writes of this node refused because another node owns the world now', () => c.fencedWritesRefused());
    gauge('tether_cluster_worlds_claimed_total', 'Worlds this node claimed (on demand, after a deploy, or from a dead node)', () => c.worldsClaimed());
    gauge('tether_cluster_worlds_handed_off_total', 'Worlds this node handed to another node (migrations: a deploy)', () => c.worldsHandedOff());
    gauge('tether_cluster_worlds_lost_total', 'Worlds stopped here because another node owns them now', () => c.worldsLost());
    gauge('tether_cluster_redis_commands_total', 'Redis commands this node sent (control traffic only: the state path never touches Redis)', () => c.redisCommands());
  }

  start(): void {
    this.loopDelay.enable();
    this.sampler = repeat(this.clock, 1000, () => this.sample());
  }

  stop(): void {
    this.sampler?.stop();
    this.sampler = null;
    this.loopDelay.disable();
  }

  // ---- hooks ----------------------------------------------------------------------------------

  tick(ms: number): void {
    this.tickHist.observe(ms / 1000);
    const i = this.tickN++ % TICK_RING;
    this.tickMs[i] = ms;
    this.tickAt[i] = this.clock.now();
  }

  rtt(ms: number): void {
    this.rttHist.observe(ms / 1000);
  }

  resumed(latencyMs: number): void {
    this.resumes.inc({ outcome: 'resumed' });
    this.resumeLatency.observe(latencyMs / 1000);
    this.resumesThisSecond++;
  }

  resumeRefused(): void {
    this.resumes.inc({ outcome: 'refused' });
  }

  redirected(): void {
    this.redirects.inc();
  }

  disconnected(kind: 'dropped' | 'left' | 'grace_expired'): void {
    this.disconnects.inc({ kind });
    if (kind === 'dropped') this.dropsThisSecond++;
  }

  rejected(reason: string): void {
    this.rejectedMsgs.inc({ reason });
  }

  connectionRefused(reason: string): void {
    this.refusedConns.inc({ reason });
  }

  /** Set by tether-server: open TCP connections as the connection guard counts them. */
  openConnections: () => number = () => 0;

  linkClosed(bytesOut: number): void {
    this.closedLinkBytes += bytesOut;
  }

  // ---- reading --------------------------------------------------------------------------------

  bytesOut(): number {
    let n = this.closedLinkBytes;
    for (const l of this.gateway.links) n += l.bytesOut;
    return n;
  }

  /** Tick durations (ms) of the last `windowMs`. */
  tickQuantiles(windowMs: number): { count: number; p50: number | null; p99: number | null; max: number | null } {
    const since = this.clock.now() - windowMs;
    const xs: number[] = [];
    const n = Math.min(this.tickN, TICK_RING);
    for (let i = 0; i < n; i++) if (this.tickAt[i]! >= since) xs.push(this.tickMs[i]!);
    xs.sort((a, b) => a - b);
    return { count: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), max: xs.length ? xs[xs.length - 1]! : null };
  }

  /**
   * Event-loop delay (ms) over the last `windowMs`, from the per-second samples: the median
   * second's p50, the worst second's p99, and the largest delay seen.
   */
  loopDelayQuantiles(windowMs: number): { seconds: number; p50: number | null; p99: number | null; max: number | null } {
    const since = this.clock.now() - windowMs;
    const recent = this.history.filter((s) => s.t >= since && s.loopP99 !== null);
    const p50s = recent.map((s) => s.loopP50!).sort((a, b) => a - b);
    const worst = (key: 'loopP99' | 'loopMax') => (recent.length ? Math.max(...recent.map((s) => s[key]!)) : null);
    return { seconds: recent.length, p50: quantile(p50s, 0.5), p99: worst('loopP99'), max: worst('loopMax') };
  }

  async exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** This second's event-loop delay; the monitor's own period is not delay, so it is taken off. */
  private takeLoopDelay(): { loopP50: number | null; loopP99: number | null; loopMax: number | null } {
    const h = this.loopDelay;
    if (h.count === 0) return { loopP50: null, loopP99: null, loopMax: null };
    const late = (ns: number) => Math.max(0, nsToMs(ns) - LOOP_RESOLUTION_MS);
    const out = { loopP50: late(h.percentile(50)), loopP99: late(h.percentile(99)), loopMax: late(h.max) };
    h.reset();
    return out;
  }

  private sample(): void {
    const rtts: number[] = [];
    for (const l of this.gateway.links) if (l.rttMs !== null && this.room.playerIdOf(l) !== null) rtts.push(l.rttMs);
    rtts.sort((a, b) => a - b);
    const ticks = this.tickQuantiles(1000);
    const bytes = this.bytesOut();
    this.history.push({
      t: this.clock.wallMs(),
      players: this.room.playerCount,
      inGrace: this.room.inGraceCount,
      rttP50: quantile(rtts, 0.5),
      rttP90: quantile(rtts, 0.9),
      rttP99: quantile(rtts, 0.99),
      drops: this.dropsThisSecond,
      resumes: this.resumesThisSecond,
      tickP50: ticks.p50,
      tickP99: ticks.p99,
      tickMax: ticks.max,
      bytesOutPerS: Math.max(0, bytes - this.lastBytesOut),
      ...this.takeLoopDelay(),
    });
    this.lastBytesOut = bytes;
    this.dropsThisSecond = 0;
    this.resumesThisSecond = 0;
    if (this.history.length > HISTORY_SECONDS) this.history.shift();
  }
}

function nsToMs(ns: number): number {
  return Math.round(ns / 1e4) / 100;
}

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}
