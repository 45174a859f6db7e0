/**
 * bench:cluster-primitives — what each cluster primitive costs: Redis requests a node sends per
 * operation, the commands Redis executes for them (counted by Redis itself, on a redis-server of
 * the bench's own, so nothing else is counted) and latency p50/p99,
 * with PostgreSQL (a fresh database) on the same machine. The figures budget the control
 * traffic the full cluster (issue 13) may send: at most 1 Redis command per player per second.
 * Usage: npm run bench:cluster-primitives [-- --ops 400]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { ChatHistory } from '../src/server/cluster/chat-history.js';
import { WorldChatStream } from '../src/server/cluster/world-chat-stream.js';
import { SessionStore } from '../src/server/cluster/session-store.js';
import { WorldCheckpoints } from '../src/server/cluster/world-checkpoints.js';
import type { WorldLease } from '../src/server/cluster/world-leases.js';
import { startClusterFixture } from '../tests/support/cluster-fixture.js';
import { startOwnRedis } from '../tests/support/redis-fixture.js';
import { percentile, round } from './support/percentile.js';

const { values } = parseArgs({ options: { ops: { type: 'string', default: '400' } } });
const OPS = Number(values.ops);

interface Row {
  op: string;
  n: number;
  /** Requests the node sent (EVALSHA, EVAL after NOSCRIPT, plain reads). */
  redis_requests_per_op: number;
  /** Commands Redis executed for them, those inside the scripts included. */
  redis_cmds_executed_per_op: number;
  p50_ms: number;
  p99_ms: number;
}

async function main(): Promise<void> {
  const own = await startOwnRedis();
  const fx = await startClusterFixture();
  const node = await fx.node('bench', 5000, own.url);
  const rows: Row[] = [];
  const processed = async () => Number(/total_commands_processed:(\d+)/.exec(await node.redis.info('stats'))?.[1]);

  /** Runs `op` n times, `parallel` at a time; counts the commands Redis processed for them. */
  async function measure(name: string, n: number, parallel: number, op: (i: number) => Promise<unknown>): Promise<void> {
    const times: number[] = [];
    const before = await processed();
    const sentBefore = node.scripts.commandsSent;
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < n) {
          const i = next++;
          const t0 = performance.now();
          await op(i);
          times.push(performance.now() - t0);
        }
      }),
    );
    // The INFO that reads the counter is one command itself.
    const cmds = (await processed()) - before - 1;
    const sent = node.scripts.commandsSent - sentBefore;
    rows.push({ op: name, n, redis_requests_per_op: round(sent / n, 2), redis_cmds_executed_per_op: round(cmds / n, 2), p50_ms: round(percentile(times, 50), 2), p99_ms: round(percentile(times, 99), 2) });
  }

  const leases: WorldLease[] = [];
  await measure('claim (PostgreSQL tx + Redis)', 50, 4, async (i) => {
    const c = await node.leases.claim(`world-${i}`);
    if (!c.claimed) throw new Error('claim failed');
    leases.push(c.lease);
  });
  const lease = leases[0]!;
  await measure('lease renew', OPS, 1, () => node.leases.renew(lease));
  const sessions = new SessionStore({ redis: node.redis, scripts: node.scripts, keys: fx.keys, ttlMs: 35_000 });
  const tokens = Array.from({ length: OPS }, () => randomBytes(32).toString('hex'));
  await measure('session put', OPS, 8, (i) => sessions.put(lease, tokens[i]!, { playerId: i, world: lease.world, name: `p${i}`, character: 1, chatAck: 0, awaySinceMs: 0 }));
  await measure('session find (any node)', OPS, 8, (i) => sessions.find(tokens[i]!));
  await measure('session resume', OPS, 8, (i) => sessions.resume(lease, tokens[i]!, randomBytes(32).toString('hex')));
  const chat = new WorldChatStream({ redis: node.redis, scripts: node.scripts, keys: fx.keys, keepLines: 1000, keepClientIds: 20_000 });
  await measure('chat append', OPS, 8, (i) => chat.append(lease, { from: i % 50, clientId: `c${i}`, name: 'Bench', text: `line ${i}`, atMs: Date.now() }));
  await measure('chat replay (50 lines)', 100, 4, () => chat.after(lease.world, OPS - 50, 50));
  const history = new ChatHistory(node.pool);
  const batch = await chat.after(lease.world, 0, 1000);
  await measure('chat history batch of 20 (PostgreSQL)', Math.floor(batch.length / 20), 1, (i) => history.append(lease, batch.slice(i * 20, i * 20 + 20)));
  const checkpoints = new WorldCheckpoints(node.pool);
  for (const players of [200, 1000]) {
    const bodies = Array.from({ length: players }, (_, id) => ({ id, x: Math.random() * 1000, y: Math.random() * 1000, facing: id % 4, name: `Bench${id}`, character: id % 6 }));
    await measure(`checkpoint ${players} bodies (PostgreSQL)`, 100, 1, (i) => checkpoints.write(lease, i, Date.now(), bodies));
  }

  console.table(rows);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/cluster-primitives.json', JSON.stringify({ at: new Date().toISOString(), ops: OPS, rows }, null, 2) + '\n');
  console.log('wrote bench-results/cluster-primitives.json');
  await fx.close();
  await own.close();
}

void main();
