/**
 * Test support for the cluster: real node processes (the production bundle, built once per test
 * process) on loopback ports, sharing a fresh PostgreSQL database and the machine's Redis under a
 * key prefix of their own (or a test's own redis-server), and headless clients that join through
 * any node and follow `moved` only to the nodes of this cluster.
 *
 * Each node's stderr is its JSON log; tests read it for what happened (claims, hand-overs, fenced
 * writes, the last tick each owner took) and await lines instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildServer } from '../../scripts/build-server.js';
import { TetherClient, type TetherClientOptions } from '../../src/client/core/tether-client.js';
import { wsTransport } from '../../src/client/node/ws-transport.js';
import { systemClock } from '../../src/shared/system-clock.js';
import { createTestDatabase, type TestDatabase } from './postgres-fixture.js';
import { SHARED_REDIS_URL, connectRedis } from './redis-fixture.js';

export const CLUSTER_ADMIN_TOKEN = 'cluster-admin-token-0123456789';

export type LogLine = Record<string, unknown> & { t: string; event: string; level: string };

export interface NodeProcess {
  readonly id: string;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly httpUrl: string;
  /** ws://127.0.0.1:PORT/ws */
  readonly wsUrl: string;
  readonly logs: LogLine[];
  /** The running process (a new one after restart). */
  readonly proc: ChildProcess;
  readonly running: boolean;
  /** Resolves with the first log line (from now on or already seen) that matches. */
  waitFor(predicate: (l: LogLine) => boolean, what: string, ms?: number): Promise<LogLine>;
  signal(sig: NodeJS.Signals): void;
  /** Resolves when the current process has exited (at once if it is not running). */
  exited(): Promise<number | null>;
  /** Sends `sig` and resolves when the process has exited. */
  stop(sig?: NodeJS.Signals): Promise<number | null>;
  /** Starts the node again on the same port and id (after it stopped). */
  start(): Promise<void>;
}

export interface TestCluster {
  readonly db: TestDatabase;
  readonly redisUrl: string;
  readonly prefix: string;
  readonly nodes: NodeProcess[];
  /** A client whose home is `node` (default the first), allowed to follow moves to this cluster's nodes. */
  client(name: string, extra?: Partial<TetherClientOptions> & { home?: NodeProcess }): TetherClient;
  /** The node that runs `world` now (from the nodes' logs), or undefined. */
  ownerOf(world: string): NodeProcess | undefined;
  /** Every node's log lines with the node id, in time order. */
  allLogs(): Array<LogLine & { node: string }>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  readonly nodes?: number;
  /** Another Redis (a test's own redis-server); default the machine's. */
  readonly redisUrl?: string;
  readonly args?: readonly string[];
  readonly publicDir?: string;
  /** Names the log file written to test-results/ at close (default: the key prefix). */
  readonly name?: string;
}

let bundle: Promise<string> | null = null;

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(REPO_ROOT, 'test-results');

/**
 * The production server bundle, built once per test process into its own folder under
 * node_modules/.cache (inside the checkout, so the bundle finds better-sqlite3 and the other
 * packages it leaves external).
 */
export function ensureServerBuilt(): Promise<string> {
  bundle ??= (async () => {
    const cache = join(REPO_ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'tether-server-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return buildServer(dir);
  })();
  return bundle;
}

export { freePort } from './free-port.js';

export async function startTestCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const main = await ensureServerBuilt();
  const db = await createTestDatabase();
  const redisUrl = opts.redisUrl ?? SHARED_REDIS_URL;
  // Fail with what to install if Redis is not there, before any node tries.
  (await connectRedis(redisUrl)).destroy();
  const prefix = `tether-test:${randomBytes(6).toString('hex')}:`;
  const publicDir = opts.publicDir ?? mkdtempSync(join(tmpdir(), 'tether-public-'));
  const clients: TetherClient[] = [];
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < (opts.nodes ?? 3); i++) {
    const id = `n${i + 1}`;
    const port = await freePort();
    nodes.push(nodeProcess(main, id, port, [
      '--redis', redisUrl, '--redis-prefix', prefix, '--postgres', db.url, '--node-id', id, '--port', String(port),
      '--public-url', `http://127.0.0.1:${port}`, '--public-dir', publicDir, '--admin-token', CLUSTER_ADMIN_TOKEN,
      // Every test client comes from 127.0.0.1.
      '--max-conns-per-ip', '10000', '--max-grace-per-ip', '10000', '--new-names-per-ip-hour', '1000000', '--joins-per-ip-minute', '1000000',
      '--log-level', 'info',
      ...(opts.args ?? []),
    ]));
  }
  await Promise.all(nodes.map((n) => n.start()));
  const wsUrls = () => nodes.map((n) => n.wsUrl);
  // Nodes started side by side see each other only from their next heartbeat on (up to a second
  // later): until every node lists the whole cluster, a welcome or /worlds may list fewer nodes.
  await Promise.all(nodes.map((n) => seesAll(n, wsUrls())));
  const cluster: TestCluster = {
    db,
    redisUrl,
    prefix,
    nodes,
    client(name, extra = {}) {
      const home = extra.home ?? nodes[0]!;
      const c = new TetherClient({
        url: home.wsUrl,
        transport: wsTransport,
        clock: systemClock,
        name,
        character: 0,
        mayMoveTo: (url) => wsUrls().includes(url),
        fallbackUrls: wsUrls,
        ...extra,
      });
      clients.push(c);
      c.start();
      return c;
    },
    ownerOf(world) {
      let owner: NodeProcess | undefined;
      let at = -1;
      for (const n of nodes) {
        for (const l of n.logs) {
          if (l['world'] !== world) continue;
          const t = Date.parse(String(l['t']));
          if (t < at) continue;
          if (l.event === 'world_claimed') {
            owner = n;
            at = t;
          } else if (['world_lost', 'world_handed_off', 'world_released', 'world_stopped'].includes(l.event) && owner === n) {
            owner = undefined;
            at = t;
          }
        }
      }
      return owner?.running ? owner : undefined;
    },
    allLogs() {
      return nodes
        .flatMap((n) => n.logs.map((l): LogLine & { node: string } => ({ ...l, node: n.id })))
        .sort((a, b) => Date.parse(String(a['t'])) - Date.parse(String(b['t'])));
    },
    async close() {
      for (const c of clients) c.dispose();
      // Every node's log, for reading after a failure (CI keeps test-results/).
      mkdirSync(RESULTS_DIR, { recursive: true });
      writeFileSync(join(RESULTS_DIR, `cluster-${opts.name ?? prefix.split(':')[1]}.log`), cluster.allLogs().map((l) => JSON.stringify(l)).join('\n') + '\n');
      await Promise.all(nodes.map((n) => (n.running ? n.stop('SIGKILL') : Promise.resolve(null))));
      const redis = await connectRedis(redisUrl).catch(() => null);
      if (redis) {
        const keys: string[] = [];
        for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
        if (keys.length > 0) await redis.del(keys);
        redis.destroy();
      }
      await db.drop();
      if (!opts.publicDir) rmSync(publicDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

function nodeProcess(main: string, id: string, port: number, args: string[]): NodeProcess {
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let proc: ChildProcess | null = null;
  let running = false;
  let exited: Promise<number | null> = Promise.resolve(null);
  let stderr = '';
  const node: NodeProcess = {
    id,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    logs,
    get proc() {
      if (!proc) throw new Error(`node ${id} never started`);
      return proc;
    },
    get running() {
      return running;
    },
    waitFor(predicate, what, ms = 15_000) {
      return new Promise((resolve, reject) => {
        let from = 0;
        const check = () => {
          for (; from < logs.length; from++) {
            if (predicate(logs[from]!)) {
              clearTimeout(timer);
              waiters.delete(check);
              resolve(logs[from]!);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`node ${id}: timed out after ${ms} ms waiting for ${what}; stderr: ${stderr.slice(-500)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    signal(sig) {
      proc?.kill(sig);
    },
    exited() {
      return exited;
    },
    async stop(sig = 'SIGTERM') {
      if (!proc || !running) return exited;
      proc.kill(sig);
      return exited;
    },
    async start() {
      if (running) throw new Error(`node ${id} is running`);
      // TETHER_NODE_FLAGS: flags for node itself (e.g. --cpu-prof), for profiling a cluster.
      const nodeFlags = (process.env['TETHER_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
      const p = spawn(process.execPath, [...nodeFlags, main, ...args], { cwd: dirname(main), stdio: ['ignore', 'pipe', 'pipe'] });
      proc = p;
      running = true;
      exited = new Promise((resolve) => p.once('exit', (code) => {
        running = false;
        resolve(code);
      }));
      let buf = '';
      p.stdout!.resume();
      p.stderr!.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.startsWith('{')) {
            stderr = (stderr + line + '\n').slice(-4000);
            continue;
          }
          try {
            logs.push(JSON.parse(line) as LogLine);
          } catch {
            continue;
          }
          for (const w of [...waiters]) w();
        }
      });
      const started = logs.length;
      await node.waitFor((l) => l.event === 'cluster_node_started' && logs.indexOf(l) >= started, 'cluster_node_started', 20_000);
    },
  };
  return node;
}

/**
 * "One owner at a time", from the nodes' logs: every claim of a world has a higher epoch than
 * the one before, and the node that held the previous epoch took its last tick of the world no
 * later than the moment the next epoch was claimed. A node killed with SIGKILL leaves no last
 * log line: its kill time (`killedAtMs`) bounds its last tick. Returns what broke the rule.
 */
export function ownershipViolations(logs: ReadonlyArray<LogLine & { node: string }>, killedAtMs: ReadonlyMap<string, number> = new Map()): string[] {
  const problems: string[] = [];
  const byWorld = new Map<string, Array<LogLine & { node: string }>>();
  for (const l of logs) {
    if (l.event !== 'world_claimed') continue;
    const w = String(l['world']);
    byWorld.set(w, [...(byWorld.get(w) ?? []), l]);
  }
  const ends = logs.filter((l) => ['world_lost', 'world_handed_off', 'world_released', 'world_stopped'].includes(l.event));
  for (const [world, claims] of byWorld) {
    claims.sort((a, b) => Number(a['epoch']) - Number(b['epoch']));
    for (let i = 1; i < claims.length; i++) {
      const prev = claims[i - 1]!;
      const next = claims[i]!;
      if (Number(next['epoch']) <= Number(prev['epoch'])) problems.push(`${world}: epoch ${String(next['epoch'])} claimed twice`);
      const end = ends.find((e) => e['world'] === world && e['epoch'] === prev['epoch'] && e.node === prev.node);
      const lastTick = end ? Number(end['lastTickAtMs']) : killedAtMs.get(prev.node);
      if (lastTick === undefined) {
        problems.push(`${world}: epoch ${String(prev['epoch'])} on ${prev.node} never stopped, yet epoch ${String(next['epoch'])} was claimed on ${next.node}`);
      } else if (lastTick > Number(next['atMs'])) {
        problems.push(`${world}: ${prev.node} ticked epoch ${String(prev['epoch'])} at ${lastTick}, after ${next.node} claimed epoch ${String(next['epoch'])} at ${String(next['atMs'])}`);
      }
    }
  }
  return problems;
}

/** Resolves once the node's /worlds lists every one of `urls` (its directory sees them all). */
async function seesAll(node: NodeProcess, urls: readonly string[], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await fetch(`${node.httpUrl}/worlds`);
    const list = (await res.json()) as { nodes?: string[] };
    if (urls.every((u) => list.nodes?.includes(u))) return;
    if (Date.now() > deadline) throw new Error(`node ${node.id} lists ${JSON.stringify(list.nodes)} after ${ms} ms, not all of ${JSON.stringify(urls)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
