/**
 * Measures what a chaos proxy actually does to traffic: one-way latency per direction (the target
 * and the client share this process, so both ends read the same performance.now()) and throughput.
 * Used by the tests and for the per-profile table in docs/netsim.md.
 */
import type net from 'node:net';
import { startChaosProxy } from '../../src/netsim/chaos-proxy.js';
import type { Profile } from '../../src/shared/netsim-profiles.js';
import { connect, startTarget } from './net-helpers.js';

/** Splits a byte stream into 8-byte timestamps and reports each one's age on arrival. */
function stampReader(s: net.Socket, onAge: (ms: number) => void): void {
  let rest: Buffer = Buffer.alloc(0);
  s.on('data', (b: Buffer) => {
    const now = performance.now();
    rest = rest.length ? Buffer.concat([rest, b]) : b;
    let off = 0;
    for (; off + 8 <= rest.length; off += 8) onAge(now - rest.readDoubleLE(off));
    rest = rest.subarray(off);
  });
}

function sendStamps(s: net.Socket, count: number, spacingMs: number): void {
  let sent = 0;
  const tick = (): void => {
    if (s.destroyed) return;
    const b = Buffer.alloc(8);
    b.writeDoubleLE(performance.now());
    s.write(b);
    if (++sent < count) setTimeout(tick, spacingMs);
  };
  tick();
}

export interface LatencySamples {
  readonly up: number[];
  readonly down: number[];
}

/**
 * `connections` parallel connections each send `perConn` stamps both ways, `spacingMs` apart.
 * Spacing wider than the jitter spread keeps the no-reordering rule from biasing samples upward.
 */
export async function measureLatency(profile: Profile, seed: number, connections: number, perConn: number, spacingMs: number): Promise<LatencySamples> {
  const up: number[] = [];
  const down: number[] = [];
  const total = connections * perConn;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const check = (): void => {
    if (up.length >= total && down.length >= total) resolveDone();
  };
  const target = await startTarget((s) => {
    stampReader(s, (ms) => (up.push(ms), check()));
    sendStamps(s, perConn, spacingMs);
  });
  const proxy = await startChaosProxy({ listenPort: 0, targetHost: '127.0.0.1', targetPort: target.port, profile, seed });
  const clients: net.Socket[] = [];
  try {
    for (let i = 0; i < connections; i++) {
      const c = await connect(proxy.port);
      clients.push(c);
      stampReader(c, (ms) => (down.push(ms), check()));
      sendStamps(c, perConn, spacingMs);
    }
    await done;
  } finally {
    for (const c of clients) c.destroy();
    await proxy.close();
    await target.close();
  }
  return { up: up.sort((a, b) => a - b), down: down.sort((a, b) => a - b) };
}

/** Bytes per second from first to last byte at the receiving end of a bulk transfer of `bytes`. */
export async function measureThroughput(profile: Profile, seed: number, direction: 'up' | 'down', bytes: number): Promise<number> {
  const timeReceive = (s: net.Socket): Promise<number> =>
    new Promise((resolve) => {
      let got = 0;
      let firstAt = 0;
      let firstLen = 0;
      s.on('data', (b: Buffer) => {
        if (got === 0) {
          firstAt = performance.now();
          firstLen = b.length;
        }
        got += b.length;
        if (got >= bytes) resolve(((got - firstLen) * 1000) / Math.max(1e-3, performance.now() - firstAt));
      });
    });
  const target = await startTarget((s) => {
    if (direction === 'down') s.write(Buffer.alloc(bytes, 7));
  });
  const proxy = await startChaosProxy({ listenPort: 0, targetHost: '127.0.0.1', targetPort: target.port, profile, seed });
  try {
    const accepted = target.nextConnection();
    const c = await connect(proxy.port);
    const receiver = direction === 'down' ? timeReceive(c) : accepted.then(timeReceive);
    if (direction === 'up') c.write(Buffer.alloc(bytes, 7));
    const rate = await receiver;
    c.destroy();
    return rate;
  } finally {
    await proxy.close();
    await target.close();
  }
}
