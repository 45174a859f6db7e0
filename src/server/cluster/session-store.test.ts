import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startClusterFixture, type ClusterFixture, type TestNode } from '../../../tests/support/cluster-fixture.js';
import type { WorldLease } from './world-leases.js';
import { SessionStore, type SessionRecord } from './session-store.js';

const hash = () => randomBytes(32).toString('hex');

describe('session store', () => {
  let fx: ClusterFixture;
  let owner: TestNode;
  let lease: WorldLease;
  const store = (n: TestNode, ttlMs = 35_000) => new SessionStore({ redis: n.redis, scripts: n.scripts, keys: fx.keys, ttlMs });
  const record = (playerId: number, world = 'plaza'): SessionRecord => ({ playerId, world, name: `P${playerId} 猫`, character: 2, chatAck: 17, awaySinceMs: 1_764_000_000_123 });
  before(async () => {
    fx = await startClusterFixture();
    owner = await fx.node('owner');
    const c = await owner.leases.claim('plaza');
    assert.ok(c.claimed);
    lease = c.lease;
  });
  after(() => fx.close());

  test('put, find from any node, resume rotates the token and keeps the record with a TTL of grace plus margin', async () => {
    const sessions = store(owner, 35_000);
    const t1 = hash();
    await sessions.put(lease, t1, record(7));
    const elsewhere = store(await fx.node('elsewhere'));
    assert.deepEqual(await elsewhere.find(t1), record(7));
    const t2 = hash();
    assert.deepEqual(await sessions.resume(lease, t1, t2), { kind: 'resumed', session: record(7) });
    assert.equal(await sessions.find(t1), undefined, 'the spent token finds nothing');
    assert.deepEqual(await sessions.resume(lease, t1, hash()), { kind: 'unknown' });
    const ttl = await owner.redis.pTTL(fx.keys.session(t2));
    assert.ok(ttl > 30_000 && ttl <= 35_000, `ttl ${ttl}`);
    assert.equal(await sessions.end(lease, t2), true);
    assert.equal(await sessions.end(lease, t2), false);
  });

  test('a session of another world answers moved with that world and is not spent', async () => {
    const other = await fx.node('other');
    const c = await other.leases.claim('harbour');
    assert.ok(c.claimed);
    const t = hash();
    await store(other).put(c.lease, t, record(8, 'harbour'));
    assert.deepEqual(await store(owner).resume(lease, t, hash()), { kind: 'moved', world: 'harbour' });
    assert.equal((await store(other).resume(c.lease, t, hash())).kind, 'resumed');
  });

  test('two clients racing to resume with one token, 40 times over 4 connections: exactly one wins each race', async () => {
    const conns = [owner, ...(await Promise.all([1, 2, 3].map((i) => fx.node(`racer${i}`))))].map((n) => store(n));
    for (let race = 0; race < 40; race++) {
      const t = hash();
      await conns[0]!.put(lease, t, record(100 + race));
      const results = await Promise.all(conns.flatMap((s) => [s.resume(lease, t, hash()), s.resume(lease, t, hash())]));
      assert.equal(results.filter((r) => r.kind === 'resumed').length, 1, `race ${race}: ${JSON.stringify(results.map((r) => r.kind))}`);
      assert.equal(results.filter((r) => r.kind === 'unknown').length, results.length - 1);
    }
  });

  test('an update never brings a spent token back: the late "player is away" write after a resume changes nothing', async () => {
    const sessions = store(owner);
    const t1 = hash();
    await sessions.put(lease, t1, record(9));
    assert.equal(await sessions.update(lease, t1, { ...record(9), awaySinceMs: 5 }), true, 'an existing session is updated');
    const t2 = hash();
    assert.equal((await sessions.resume(lease, t1, t2)).kind, 'resumed');
    // The owner marks the player away under the token it knew, after the resume spent it.
    assert.equal(await sessions.update(lease, t1, { ...record(9), awaySinceMs: 6 }), false);
    assert.equal(await sessions.find(t1), undefined);
    assert.deepEqual(await sessions.resume(lease, t1, hash()), { kind: 'unknown' }, 'no second resume with the spent token');
    assert.equal((await sessions.find(t2))?.awaySinceMs, 5);
  });
});
