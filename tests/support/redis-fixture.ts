/**
 * Test support for Redis. Two kinds:
 * - connectTestRedis: a client of the machine's Redis (127.0.0.1:6379; TETHER_TEST_REDIS
 *   overrides) and a key prefix unique to this run, so parallel runs never see each other's keys;
 *   close() deletes this run's keys.
 * - startOwnRedis: a redis-server of the test's own on an ephemeral loopback port with a temp
 *   dir and nothing on disk, for tests that stop, kill or restart Redis.
 * A Redis that cannot be reached fails the test with what to install, never a skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRedisClient, type RedisConnection } from '../../src/server/cluster/redis-connection.js';
import { serviceMissing } from './postgres-fixture.js';

export const SHARED_REDIS_URL = process.env['TETHER_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';

export type TestRedisClient = RedisConnection;

export interface TestRedis {
  readonly client: TestRedisClient;
  readonly url: string;
  /** Unique to this run; end with ':'. */
  readonly prefix: string;
  /** Another connection to the same Redis (a second "node"). */
  connect(): Promise<TestRedisClient>;
  close(): Promise<void>;
}

export async function connectRedis(url: string): Promise<TestRedisClient> {
  // No reconnect loop in tests: a missing server must fail at once with a clear message.
  const client = newRedisClient(url, () => {}, false);
  try {
    await client.connect();
  } catch (err) {
    throw serviceMissing('Redis', url, err);
  }
  return client;
}

export async function connectTestRedis(url = SHARED_REDIS_URL): Promise<TestRedis> {
  const client = await connectRedis(url);
  const prefix = `tether-test:${randomBytes(6).toString('hex')}:`;
  const extra: TestRedisClient[] = [];
  return {
    client,
    url,
    prefix,
    async connect() {
      const c = await connectRedis(url);
      extra.push(c);
      return c;
    },
    async close() {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
      if (keys.length > 0) await client.del(keys);
      for (const c of [client, ...extra]) if (c.isOpen) c.destroy();
    },
  };
}

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** Starts again on the same port, empty (nothing is kept on disk). */
  start(): Promise<void>;
  /** SIGSTOP: Redis stalls, connections stay open and commands wait. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  close(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-redis-'));
  // Redis cannot listen on port 0, so take a port the kernel just handed out.
  const port = await freePort();
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', join(dir, 'redis.log')];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    child = proc;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(serviceMissing('redis-server', `127.0.0.1:${port}`, err)));
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it answered (see ${dir}/redis.log)`)));
    });
    failed.catch(() => {});
    await Promise.race([waitForPing(port), failed]);
  };

  const waitExit = (signal: NodeJS.Signals): Promise<void> =>
    new Promise((resolve) => {
      const proc = child;
      child = null;
      if (!proc || proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => waitExit('SIGTERM'),
    kill: () => waitExit('SIGKILL'),
    start: launch,
    pause: () => void (child as ChildProcess | null)?.kill('SIGSTOP'),
    resume: () => void (child as ChildProcess | null)?.kill('SIGCONT'),
    async close() {
      (child as ChildProcess | null)?.kill('SIGCONT');
      await waitExit('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const client = newRedisClient(`redis://127.0.0.1:${port}`, () => {}, false);
    try {
      await client.connect();
      await client.ping();
      client.destroy();
      return;
    } catch (err) {
      if (client.isOpen) client.destroy();
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 5 s: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
