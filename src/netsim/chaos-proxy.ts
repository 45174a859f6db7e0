/**
 * The chaos proxy: a TCP proxy that makes a good link look like one of the weak-network profiles.
 * It works on the byte stream only (WebSocket, HTTP, anything), so the server and client under test
 * run unmodified. Every decision comes from a seeded Rng forked per connection and direction, and
 * every event is one JSON line (conn id, event, fields) so a bad run can be read and replayed.
 */
import net from 'node:net';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { systemClock } from '../shared/system-clock.js';
import { createRng, type Rng } from '../shared/rng.js';
import { getProfile, type Profile } from '../shared/netsim-profiles.js';
import { createDirectionEngine, createFaultPlanner, outageEndAt, type PlannedFault } from '../shared/netsim-engine.js';
import { PipeScheduler } from './pipe-scheduler.js';
import { startControlApi } from './control-api.js';

export type NetsimLog = (event: Record<string, unknown>) => void;

export interface ChaosProxyOptions {
  readonly listenHost?: string;
  /** 0 = ephemeral. */
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly profile: string | Profile;
  readonly seed: number;
  /** HTTP control API; omitted = none, 0 = ephemeral. */
  readonly controlPort?: number;
  readonly controlHost?: string;
  readonly clock?: Clock;
  readonly log?: NetsimLog;
}

export interface ChaosProxyStats {
  readonly profile: string;
  readonly seed: number;
  readonly blackhole: boolean;
  readonly downForMs: number;
  readonly connections: { id: number; ageMs: number; bytesUp: number; bytesDown: number; queuedUp: number; queuedDown: number }[];
  readonly counters: Record<string, number>;
}

export interface ChaosProxy {
  readonly port: number;
  readonly controlPort: number | null;
  readonly profileName: string;
  /** Applies to existing and new connections. Returns an error string for unknown names. */
  setProfile(profile: string | Profile): string | null;
  blackhole(on: boolean, durationMs?: number): void;
  resetAll(): number;
  closeAll(): number;
  down(durationMs: number): void;
  stats(): ChaosProxyStats;
  close(): Promise<void>;
}

interface Conn {
  readonly id: number;
  readonly openedMs: number;
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  readonly up: PipeScheduler;
  readonly down: PipeScheduler;
  readonly rng: Rng;
  faultTimer: TimerHandle | null;
  faultPlans: number;
  finishing: boolean;
}

export async function startChaosProxy(opts: ChaosProxyOptions): Promise<ChaosProxy> {
  const clock = opts.clock ?? systemClock;
  const log: NetsimLog = opts.log ?? (() => {});
  const resolve = (p: string | Profile): Profile | string => {
    if (typeof p !== 'string') return p;
    const r = getProfile(p);
    return r.ok ? r.profile : r.error;
  };
  const first = resolve(opts.profile);
  if (typeof first === 'string') throw new Error(first);
  let profile: Profile = first;
  let epochMs = clock.now();
  const rootRng = createRng(opts.seed);
  const conns = new Map<number, Conn>();
  const counters: Record<string, number> = { accepted: 0, refused: 0, resets: 0, closes: 0, cuts: 0, slowCloses: 0, serverDowns: 0, upstreamErrors: 0, stalls: 0, bytesUp: 0, bytesDown: 0 };
  let nextId = 1;
  let blackholeUntilMs = -Infinity;
  let blackholeTimer: TimerHandle | null = null;
  let downUntilMs = -Infinity;
  let controlPort: number | null = null;
  const lingering = new Set<net.Socket>();
  const startMs = clock.now();
  const emit = (conn: number | null, ev: string, fields: Record<string, unknown> = {}): void =>
    log({ t: Math.round(clock.now() - startMs), conn, ev, ...fields });

  const silentUntil = (nowMs: number): number | null => {
    if (nowMs < blackholeUntilMs) return blackholeUntilMs;
    const end = outageEndAt(profile.outages, nowMs - epochMs);
    return end === null ? null : epochMs + end;
  };

  const finish = (c: Conn): void => {
    if (c.faultTimer) clock.clearTimeout(c.faultTimer);
    c.faultTimer = null;
    c.up.stop();
    c.down.stop();
    if (conns.delete(c.id)) {
      counters.bytesUp! += c.up.bytesOut;
      counters.bytesDown! += c.down.bytesOut;
      emit(c.id, 'closed', { bytesUp: c.up.bytesOut, bytesDown: c.down.bytesOut });
    }
  };
  const resetConn = (c: Conn, why: string): void => {
    emit(c.id, 'reset', { why });
    counters.resets!++;
    c.client.resetAndDestroy();
    c.upstream.resetAndDestroy();
    finish(c);
  };
  const closeConn = (c: Conn, why: string): void => {
    if (c.finishing) return;
    c.finishing = true;
    emit(c.id, 'close', { why });
    c.up.stop();
    c.down.stop();
    // FIN both ways; a peer that never answers with its own FIN is destroyed after a grace period.
    for (const s of [c.client, c.upstream]) {
      if (s.destroyed) continue;
      s.end();
      lingering.add(s);
      const grace = clock.setTimeout(() => s.destroy(), 5000);
      s.once('close', () => {
        clock.clearTimeout(grace);
        lingering.delete(s);
      });
    }
    finish(c);
  };

  const runFault = (c: Conn, f: PlannedFault): void => {
    c.faultTimer = null;
    if (!conns.has(c.id)) return;
    emit(c.id, 'fault', { kind: f.kind, durationMs: Math.round(f.durationMs) });
    switch (f.kind) {
      case 'reset':
        return resetConn(c, 'fault');
      case 'close':
        counters.closes!++;
        return closeConn(c, 'fault');
      case 'cut': {
        counters.cuts!++;
        // Cut the next server-to-client slice; if nothing flows for a while, close anyway.
        c.faultTimer = clock.setTimeout(() => closeConn(c, 'cut-idle'), 3000);
        c.down.armCut(f.cutFraction, () => closeConn(c, 'cut'));
        return;
      }
      case 'slowClose':
        counters.slowCloses!++;
        c.up.hold();
        c.down.hold();
        c.faultTimer = clock.setTimeout(() => closeConn(c, 'slow-close'), f.durationMs);
        return;
      case 'serverDown':
        counters.serverDowns!++;
        api.down(f.durationMs);
        return resetConn(c, 'server-down');
    }
  };
  const planFaults = (c: Conn): void => {
    if (c.faultTimer) clock.clearTimeout(c.faultTimer);
    c.faultTimer = null;
    const now = clock.now();
    // Labelled by plan number, not time, so a replay draws the same faults.
    const f = createFaultPlanner(c.rng.fork(`faults.${c.faultPlans++}`), profile.faults).next(now);
    if (f) c.faultTimer = clock.setTimeout(() => runFault(c, f), f.atMs - now);
  };

  const onConnection = (client: net.Socket): void => {
    const id = nextId++;
    const now = clock.now();
    if (now < downUntilMs) {
      counters.refused!++;
      emit(id, 'refused', { remote: client.remotePort });
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    counters.accepted!++;
    client.setNoDelay(true);
    const upstream = net.connect({ host: opts.targetHost, port: opts.targetPort, allowHalfOpen: true });
    upstream.setNoDelay(true);
    let upstreamReady = false;
    const rng = rootRng.fork(`conn.${id}`);
    let finsForwarded = 0;
    const onFin = (): void => {
      if (++finsForwarded === 2) finish(c);
    };
    const stall = (ev: string, fields?: Record<string, unknown>): void => {
      if (ev === 'stall') counters.stalls!++;
      emit(id, ev, fields);
    };
    const c: Conn = {
      id,
      openedMs: now,
      client,
      upstream,
      rng,
      faultTimer: null,
      faultPlans: 0,
      finishing: false,
      up: new PipeScheduler({ direction: 'up', src: client, dst: upstream, engine: createDirectionEngine(rng.fork('up'), profile.up, now), clock, silentUntil, dstReady: () => upstreamReady, onEvent: stall, onFinForwarded: onFin }),
      down: new PipeScheduler({ direction: 'down', src: upstream, dst: client, engine: createDirectionEngine(rng.fork('down'), profile.down, now), clock, silentUntil, dstReady: () => true, onEvent: stall, onFinForwarded: onFin }),
    };
    conns.set(id, c);
    emit(id, 'open', { remote: client.remotePort });
    upstream.on('connect', () => {
      upstreamReady = true;
      emit(id, 'upstream', { local: upstream.localPort });
      c.up.pump();
    });
    // An abrupt end on one side is passed on abruptly to the other: RST for RST.
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!conns.has(id)) return;
      if (!upstreamReady) counters.upstreamErrors!++;
      emit(id, 'upstream-error', { code: err.code ?? err.message });
      client.resetAndDestroy();
      finish(c);
    });
    client.on('error', (err: NodeJS.ErrnoException) => {
      if (!conns.has(id)) return;
      emit(id, 'client-error', { code: err.code ?? err.message });
      upstream.resetAndDestroy();
      finish(c);
    });
    const onClose = (): void => {
      if (client.destroyed && upstream.destroyed) finish(c);
    };
    client.on('close', onClose);
    upstream.on('close', onClose);
    planFaults(c);
  };

  const server = net.createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.listenPort, opts.listenHost ?? '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  server.on('error', (err) => emit(null, 'listen-error', { code: (err as NodeJS.ErrnoException).code ?? err.message }));
  const port = (server.address() as net.AddressInfo).port;

  const api: ChaosProxy = {
    port,
    get controlPort() {
      return controlPort;
    },
    get profileName() {
      return profile.name;
    },
    setProfile(p) {
      const next = resolve(p);
      if (typeof next === 'string') return next;
      profile = next;
      const now = clock.now();
      epochMs = now;
      for (const c of conns.values()) {
        c.up.setProfile(profile.up, now);
        c.down.setProfile(profile.down, now);
        if (!c.finishing) planFaults(c);
      }
      emit(null, 'profile', { name: profile.name });
      return null;
    },
    blackhole(on, durationMs) {
      if (blackholeTimer) clock.clearTimeout(blackholeTimer);
      blackholeTimer = null;
      const now = clock.now();
      blackholeUntilMs = on ? (durationMs !== undefined ? now + durationMs : Infinity) : -Infinity;
      emit(null, 'blackhole', { on, durationMs: durationMs ?? null });
      if (on && durationMs !== undefined) blackholeTimer = clock.setTimeout(() => api.blackhole(false), durationMs);
      if (!on) for (const c of conns.values()) (c.up.pump(), c.down.pump());
    },
    resetAll() {
      const all = [...conns.values()];
      for (const c of all) resetConn(c, 'control');
      return all.length;
    },
    closeAll() {
      const all = [...conns.values()];
      for (const c of all) {
        counters.closes!++;
        closeConn(c, 'control');
      }
      return all.length;
    },
    down(durationMs) {
      downUntilMs = clock.now() + durationMs;
      emit(null, 'down', { durationMs: Math.round(durationMs) });
    },
    stats() {
      const now = clock.now();
      return {
        profile: profile.name,
        seed: opts.seed,
        blackhole: now < blackholeUntilMs,
        downForMs: Math.max(0, Math.round(downUntilMs - now)),
        connections: [...conns.values()].map((c) => ({ id: c.id, ageMs: Math.round(now - c.openedMs), bytesUp: c.up.bytesOut, bytesDown: c.down.bytesOut, queuedUp: c.up.queued, queuedDown: c.down.queued })),
        counters: { ...counters, open: conns.size },
      };
    },
    async close() {
      if (blackholeTimer) clock.clearTimeout(blackholeTimer);
      for (const c of [...conns.values()]) {
        c.client.destroy();
        c.upstream.destroy();
        finish(c);
      }
      for (const s of [...lingering]) s.destroy();
      await Promise.all([new Promise<void>((ok) => server.close(() => ok())), control?.close()]);
    },
  };
  const control = opts.controlPort === undefined ? null : await startControlApi(api, opts.controlHost ?? '127.0.0.1', opts.controlPort).catch(async (err: unknown) => {
    await new Promise<void>((ok) => server.close(() => ok()));
    throw err;
  });
  controlPort = control?.port ?? null;
  return api;
}
