/**
 * Sockets for the netsim tests: a target server that records and answers, clients that stream
 * deterministic bytes and hash what they get. Everything on 127.0.0.1, ephemeral ports.
 */
import net from 'node:net';
import http from 'node:http';
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';

/** Deterministic pseudo-random bytes: the same (seed, size) always gives the same buffer (AES-CTR, fast). */
export function patternBytes(seed: number, size: number): Buffer {
  const key = createHash('sha256').update(`pattern.${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Collects a socket's bytes until it ends or fails. */
export function collect(s: net.Socket): Promise<{ data: Buffer; error: string | null }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let error: string | null = null;
    s.on('data', (b: Buffer) => parts.push(b));
    // The peer is done: finish our side too (sockets here are half-open capable).
    s.on('end', () => s.end());
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => resolve({ data: Buffer.concat(parts), error }));
  });
}

export interface Target {
  readonly port: number;
  /** Server-side sockets in accept order. */
  readonly accepted: net.Socket[];
  nextConnection(): Promise<net.Socket>;
  close(): Promise<void>;
}

/** A target server; `onSocket` decides what each accepted connection does. */
export async function startTarget(onSocket: (s: net.Socket) => void = () => {}): Promise<Target> {
  const accepted: net.Socket[] = [];
  const waiters: ((s: net.Socket) => void)[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.setNoDelay(true);
    accepted.push(s);
    onSocket(s);
    waiters.shift()?.(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted,
    nextConnection: () => new Promise((r) => waiters.push(r)),
    close: async () => {
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export async function connect(port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  s.setNoDelay(true);
  await once(s, 'connect');
  return s;
}

/** Small HTTP client for the control API. */
export function control(port: number, method: string, path: string, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { connection: 'close' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
