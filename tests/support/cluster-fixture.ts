/**
 * Test support for the cluster primitives: a fresh PostgreSQL database (migrated) and the
 * machine's Redis under a key prefix unique to this run, plus "nodes" — each with its own Redis
 * connection and PostgreSQL pool, as separate processes would have.
 */
import type pg from 'pg';
import { ClusterKeys } from '../../src/server/cluster/cluster-keys.js';
import type { RedisConnection } from '../../src/server/cluster/redis-connection.js';
import { RedisScripts } from '../../src/server/cluster/redis-scripts.js';
import { WorldLeases } from '../../src/server/cluster/world-leases.js';
import { createPostgresPool } from '../../src/server/store/postgres-pool.js';
import { migratePostgres } from '../../src/server/store/postgres-schema.js';
import { systemClock } from '../../src/shared/system-clock.js';
import { createTestDatabase, type TestDatabase } from './postgres-fixture.js';
import { connectRedis, connectTestRedis, type TestRedis } from './redis-fixture.js';

export interface TestNode {
  readonly id: string;
  readonly redis: RedisConnection;
  readonly scripts: RedisScripts;
  readonly pool: pg.Pool;
  readonly leases: WorldLeases;
}

export interface ClusterFixture {
  readonly db: TestDatabase;
  readonly redis: TestRedis;
  readonly keys: ClusterKeys;
  /** A node on the fixture's Redis, or on `redisUrl` (a test's own redis-server). */
  node(id: string, ttlMs?: number, redisUrl?: string): Promise<TestNode>;
  close(): Promise<void>;
}

export async function startClusterFixture(): Promise<ClusterFixture> {
  const db = await createTestDatabase();
  const redis = await connectTestRedis();
  const keys = new ClusterKeys(redis.prefix);
  const pools: pg.Pool[] = [];
  const conns: RedisConnection[] = [];
  const first = createPostgresPool(db.url, () => {}, 2);
  pools.push(first);
  await migratePostgres(first);
  return {
    db,
    redis,
    keys,
    async node(id, ttlMs = 5000, redisUrl) {
      const conn = redisUrl ? await connectRedis(redisUrl) : await redis.connect();
      conns.push(conn);
      const pool = createPostgresPool(db.url, () => {}, 4);
      pools.push(pool);
      const scripts = new RedisScripts(conn);
      return { id, redis: conn, scripts, pool, leases: new WorldLeases({ scripts, pool, keys, nodeId: id, ttlMs, clock: systemClock }) };
    },
    async close() {
      for (const c of conns) if (c.isOpen) c.destroy();
      await redis.close();
      for (const p of pools) await p.end();
      await db.drop();
    },
  };
}

/** Resolves once Redis has let the key expire (a lease's TTL ran out); rejects after `ms`. */
export async function keyGone(redis: RedisConnection, key: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await redis.exists(key)) === 1) {
    if (Date.now() > deadline) throw new Error(`key ${key} still there after ${ms} ms`);
    const left = await redis.pTTL(key);
    await new Promise((r) => setTimeout(r, Math.max(5, Math.min(left, 100))));
  }
}
