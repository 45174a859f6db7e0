/**
 * Helpers for the limit tests: counting a well-behaved client's state updates over a window,
 * and light raw players (join, then ignore what arrives) for generating load.
 */
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { TetherClient } from '../../src/client/core/tether-client.js';
import { DIR_LEFT, DIR_RIGHT } from '../../src/shared/movement.js';
import { PROTOCOL_VERSION, SUBPROTOCOL } from '../../src/shared/protocol.js';

export interface RateResult {
  counts: number[];
  seconds: number;
  /** tickRate x seconds: what a server on an idle machine sends. */
  expected: number;
  /** Ticks the server actually ran in the window, when it was given (in-process servers). */
  serverTicks?: number;
}

export interface RateWindow {
  /** Ends the window: snapshots each client received, the window length and what the tick rate predicts. */
  stop(): RateResult;
}

export function watchRate(clients: readonly TetherClient[], tickRateHz: number, serverTick?: () => number): RateWindow {
  const counts = clients.map(() => 0);
  const offs = clients.map((c, i) => c.on('snapshot', () => counts[i]!++));
  const t0 = performance.now();
  const tick0 = serverTick?.();
  return {
    stop() {
      for (const off of offs) off();
      const seconds = (performance.now() - t0) / 1000;
      const r: RateResult = { counts, seconds, expected: seconds * tickRateHz };
      if (serverTick && tick0 !== undefined) r.serverTicks = serverTick() - tick0;
      return r;
    },
  };
}

/**
 * Every client got within `tolerance` of tickRate x seconds (one frame of slack at each edge).
 *
 * `machineTolerance` (optional) separates what the server controls from what a shared test
 * machine does: when another test process hogs the CPU the tick loop itself runs late for every
 * client alike. With it, each client must still get within `tolerance` of the ticks the server
 * actually ran (fair delivery), and the server must have run within `machineTolerance` of the
 * nominal rate.
 */
export function assertNormalRate(r: RateResult, tolerance = 0.15, what = 'well-behaved clients', machineTolerance?: number): void {
  let reference = r.expected;
  if (machineTolerance !== undefined && r.serverTicks !== undefined) {
    assert.ok(
      r.serverTicks >= r.expected * (1 - machineTolerance) - 1,
      `the server ran only ${r.serverTicks} ticks in ${r.seconds.toFixed(2)} s (nominal ${r.expected.toFixed(0)}): machine overloaded?`,
    );
    reference = Math.min(r.expected, r.serverTicks);
  }
  const lo = reference * (1 - tolerance) - 1;
  const hi = r.expected * (1 + tolerance) + 2;
  const bad = r.counts.filter((n) => n < lo || n > hi);
  assert.equal(
    bad.length,
    0,
    `${what}: ${bad.length}/${r.counts.length} outside ${lo.toFixed(0)}..${hi.toFixed(0)} state updates in ${r.seconds.toFixed(2)} s (expected ${r.expected.toFixed(0)}, server ran ${r.serverTicks ?? '?'} ticks; min ${Math.min(...r.counts)}, max ${Math.max(...r.counts)})`,
  );
}

/**
 * Resolves once every client has received `n` more state frames: the bystanders are still being
 * served after whatever the test just did (an event to wait on, instead of a fixed sleep).
 */
export function framesPass(clients: readonly TetherClient[], n: number, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const left = clients.map(() => n);
    const offs: Array<() => void> = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${n} state frames at every client (left: ${left.join(', ')})`)), ms);
    clients.forEach((c, i) =>
      offs.push(
        c.on('snapshot', () => {
          left[i]!--;
          if (left.every((k) => k <= 0)) done();
        }),
      ),
    );
    if (clients.length === 0 || n <= 0) done();
  });
}

/** Makes clients walk back and forth, advancing their input tick on a timer. Returns a stop function. */
export function walk(clients: readonly TetherClient[]): () => void {
  let flip = 0;
  const t = setInterval(() => {
    flip++;
    const now = performance.now();
    clients.forEach((c, i) => {
      c.setHeldDirs((Math.floor(flip / 40) + i) % 2 === 0 ? DIR_RIGHT : DIR_LEFT);
      c.advance(now);
    });
  }, 10);
  t.unref();
  return () => {
    clearInterval(t);
    for (const c of clients) c.setHeldDirs(0);
  };
}

export interface LightPlayer {
  ws: WebSocket;
  id: number;
  close(): void;
}

/** A raw player that joins and then ignores everything it receives (except that it reads). */
export async function lightPlayer(url: string, name: string, extraHello: Record<string, unknown> = {}): Promise<LightPlayer> {
  const ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const id = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no welcome`)), 5000);
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as { t: string; you?: { id: number }; message?: string };
      if (m.t === 'welcome') {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(m.you!.id);
      } else if (m.t === 'error') {
        clearTimeout(timer);
        reject(new Error(`${name}: ${m.message}`));
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, name, character: 0, ...extraHello }));
  });
  return { ws, id, close: () => ws.terminate() };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `predicate` holds or `ms` pass; returns whether it held. */
export async function poll(predicate: () => boolean, ms: number, every = 20): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (predicate()) return true;
    await sleep(every);
  }
  return predicate();
}
