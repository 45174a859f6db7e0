/**
 * The in-client network simulator: wraps a TransportFactory so one client sees a weak network
 * (a netsim profile) without any proxy, e.g. from a debug menu in the browser or in a bot.
 * It uses the same decision engine as the chaos proxy, so "3g" behaves alike in both.
 *
 * Per transport it delays its own sends and receives, FIFO per direction (a WebSocket never
 * reorders), holds everything while black-holed (the socket stays open: only a liveness check can
 * notice), and forces drops at the profile's fault rate: the inner socket is closed and the
 * handlers hear onClose(1006, 'simulated drop'), which is what a browser reports for a dead TCP
 * connection.
 */
import type { Transport, TransportFactory, TransportHandlers } from './transport.js';
import { CloseCode } from '../../shared/close-codes.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { createRng } from '../../shared/rng.js';
import { getProfile, type Profile } from '../../shared/netsim-profiles.js';
import { createDirectionEngine, createFaultPlanner, outageEndAt, type DirectionEngine, type PlannedFault } from '../../shared/netsim-engine.js';

export const SIMULATED_DROP_CODE = 1006;

export interface SimulatedNetworkOptions {
  readonly profile: string | Profile;
  readonly seed: number;
  readonly clock: Clock;
  readonly onEvent?: (event: string, fields: Record<string, unknown>) => void;
}

export interface SimulatedNetwork {
  readonly factory: TransportFactory;
  readonly profileName: string;
  /** Live switch for open and future transports; returns an error for unknown names. */
  setProfile(profile: string | Profile): string | null;
  /** Manual black hole in both directions until switched off. */
  blackhole(on: boolean): void;
  /** Force-drop every open transport now. */
  dropAll(): void;
}

type Item = { releaseMs: number; bytes: number; run: () => void };

/** A FIFO that runs each item at its release time, unless the network is silent. */
class TimedQueue {
  private items: Item[] = [];
  private timer: TimerHandle | null = null;
  bytes = 0;
  constructor(
    private readonly clock: Clock,
    private readonly silentUntil: (nowMs: number) => number | null,
  ) {}
  push(item: Item): void {
    this.items.push(item);
    this.bytes += item.bytes;
    this.pump();
  }
  clear(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
    this.bytes = 0;
  }
  pump(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    const silent = this.silentUntil(now);
    if (silent !== null) {
      if (Number.isFinite(silent) && this.items.length > 0) this.arm(silent - now);
      return;
    }
    while (this.items.length > 0 && this.items[0]!.releaseMs <= now) {
      const item = this.items.shift()!;
      this.bytes -= item.bytes;
      item.run();
    }
    if (this.items.length > 0) this.arm(this.items[0]!.releaseMs - now);
  }
  private arm(ms: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, ms));
  }
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

interface Live {
  up: DirectionEngine;
  down: DirectionEngine;
  replan(): void;
  drop(why: string): void;
  pump(): void;
}

export function createSimulatedNetwork(inner: TransportFactory, opts: SimulatedNetworkOptions): SimulatedNetwork {
  const { clock } = opts;
  const emit = opts.onEvent ?? (() => {});
  const resolve = (p: string | Profile): Profile | string => {
    if (typeof p !== 'string') return p;
    const r = getProfile(p);
    return r.ok ? r.profile : r.error;
  };
  const first = resolve(opts.profile);
  if (typeof first === 'string') throw new Error(first);
  let profile = first;
  let epochMs = clock.now();
  let manualBlackhole = false;
  let refuseUntilMs = -Infinity;
  let nextId = 1;
  const root = createRng(opts.seed);
  const live = new Set<Live>();

  const silentUntil = (nowMs: number): number | null => {
    if (manualBlackhole) return Infinity;
    const end = outageEndAt(profile.outages, nowMs - epochMs);
    return end === null ? null : epochMs + end;
  };

  const factory: TransportFactory = (url, protocols, handlers) => {
    const id = nextId++;
    const now = clock.now();
    const rng = root.fork(`transport.${id}`);
    const up = createDirectionEngine(rng.fork('up'), profile.up, now);
    const down = createDirectionEngine(rng.fork('down'), profile.down, now);
    const upQ = new TimedQueue(clock, silentUntil);
    const downQ = new TimedQueue(clock, silentUntil);
    let finished = false;
    let closing = false;
    /** After a slowClose fault: nothing more crosses either way (bytes already in flight are gone). */
    let silenced = false;
    let faultTimer: TimerHandle | null = null;
    let faultPlans = 0;
    let innerT: Transport | null = null;

    const end = (): void => {
      finished = true;
      live.delete(entry);
      if (faultTimer) clock.clearTimeout(faultTimer);
      faultTimer = null;
      upQ.clear();
      downQ.clear();
    };
    const entry: Live = {
      up,
      down,
      replan() {
        if (faultTimer) clock.clearTimeout(faultTimer);
        faultTimer = null;
        // Labelled by plan number, not time, so a replay draws the same faults.
        const f = createFaultPlanner(rng.fork(`faults.${faultPlans++}`), profile.faults).next(clock.now());
        if (f) faultTimer = clock.setTimeout(() => fault(f), f.atMs - clock.now());
      },
      drop(why) {
        if (finished || closing) return;
        emit('drop', { id, why });
        end();
        // Not 1000: the server must see a lost link (grace period, resume), not a player leaving.
        innerT?.close(CloseCode.ClientReconnecting, 'simulated drop');
        handlers.onClose(SIMULATED_DROP_CODE, 'simulated drop');
      },
      pump() {
        upQ.pump();
        downQ.pump();
      },
    };
    const fault = (f: PlannedFault): void => {
      faultTimer = null;
      emit('fault', { id, kind: f.kind, durationMs: Math.round(f.durationMs) });
      if (f.kind === 'serverDown') refuseUntilMs = clock.now() + f.durationMs;
      if (f.kind === 'slowClose') {
        // Silence first (queues never pump again), then the drop.
        silenced = true;
        upQ.clear();
        downQ.clear();
        faultTimer = clock.setTimeout(() => entry.drop('slowClose'), f.durationMs);
        return;
      }
      entry.drop(f.kind);
    };

    if (now < refuseUntilMs) {
      // "Server down": the attempt fails after about a round trip, without touching the network.
      emit('refused', { id });
      const rtt = up.schedule(now, 0).releaseMs;
      downQ.push({ releaseMs: down.schedule(rtt, 0).releaseMs, bytes: 0, run: () => (end(), handlers.onClose(SIMULATED_DROP_CODE, 'simulated refusal')) });
      return { send() {}, close: () => end(), bufferedAmount: 0 };
    }

    live.add(entry);
    const wrapped: TransportHandlers = {
      onOpen(protocol) {
        if (finished || closing) return;
        // The handshake crosses the link both ways before the client hears about it.
        const t = clock.now();
        const there = up.schedule(t, 0).releaseMs;
        downQ.push({ releaseMs: down.schedule(there, 0).releaseMs, bytes: 0, run: () => handlers.onOpen(protocol) });
      },
      onMessage(data) {
        if (finished || closing || silenced) return;
        const bytes = typeof data === 'string' ? utf8Bytes(data) : data.byteLength;
        downQ.push({ releaseMs: down.schedule(clock.now(), bytes).releaseMs, bytes, run: () => handlers.onMessage(data) });
      },
      onClose(code, reason) {
        if (finished || closing) {
          if (closing) end();
          return;
        }
        downQ.push({ releaseMs: down.schedule(clock.now(), 0).releaseMs, bytes: 0, run: () => (end(), handlers.onClose(code, reason)) });
      },
    };
    innerT = inner(url, protocols, wrapped);
    entry.replan();
    const t = innerT;
    return {
      send(data) {
        if (finished || closing || silenced) return;
        const bytes = typeof data === 'string' ? utf8Bytes(data) : data.byteLength;
        upQ.push({ releaseMs: up.schedule(clock.now(), bytes).releaseMs, bytes, run: () => t.send(data) });
      },
      close(code, reason) {
        if (finished || closing) return;
        // Like a browser: what was sent before close() still goes out (late), then the close.
        // Handlers are never called again.
        closing = true;
        downQ.clear();
        if (faultTimer) clock.clearTimeout(faultTimer);
        faultTimer = null;
        upQ.push({ releaseMs: up.schedule(clock.now(), 0).releaseMs, bytes: 0, run: () => (end(), t.close(code, reason)) });
      },
      get bufferedAmount() {
        return t.bufferedAmount + upQ.bytes;
      },
    };
  };

  return {
    factory,
    get profileName() {
      return profile.name;
    },
    setProfile(p) {
      const next = resolve(p);
      if (typeof next === 'string') return next;
      profile = next;
      const now = clock.now();
      epochMs = now;
      for (const l of live) {
        l.up.setProfile(profile.up, now);
        l.down.setProfile(profile.down, now);
        l.replan();
        l.pump();
      }
      emit('profile', { name: profile.name });
      return null;
    },
    blackhole(on) {
      manualBlackhole = on;
      emit('blackhole', { on });
      if (!on) for (const l of live) l.pump();
    },
    dropAll() {
      for (const l of [...live]) l.drop('manual');
    },
  };
}
