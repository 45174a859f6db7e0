import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keyGone, startClusterFixture, type ClusterFixture } from '../../../tests/support/cluster-fixture.js';
import { startOwnRedis } from '../../../tests/support/redis-fixture.js';

/** Resolves when `ok` holds, checked every 20 ms; rejects after `ms` naming what it waited for. */
async function until(ok: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('world leases', () => {
  let fx: ClusterFixture;
  before(async () => {
    fx = await startClusterFixture();
  });
  after(() => fx.close());

  test('claim, refuse a second claimer with the holder, renew, release, then the next claim gets a higher epoch', async () => {
    const a = await fx.node('a');
    const b = await fx.node('b');
    const first = await a.leases.claim('meadow');
    assert.ok(first.claimed);
    assert.equal(first.lease.epoch, 1);
    assert.deepEqual(await b.leases.claim('meadow'), { claimed: false, reason: 'held', holder: { node: 'a', epoch: 1 } });
    assert.equal(await a.leases.renew(first.lease), 'renewed');
    // The first call of a script on a Redis that never saw it costs a second command (EVAL after
    // NOSCRIPT); from then on a renewal is one EVALSHA.
    const before = a.scripts.commandsSent;
    assert.equal(await a.leases.renew(first.lease), 'renewed');
    assert.equal(a.scripts.commandsSent - before, 1, 'a renewal is one Redis command');
    assert.ok(first.lease.validUntilMs > performance.now());
    assert.equal(await b.leases.release({ ...first.lease, token: 'not-a' }), false, 'a release needs the token');
    assert.equal(await a.leases.release(first.lease), true);
    const second = await b.leases.claim('meadow');
    assert.ok(second.claimed);
    assert.equal(second.lease.epoch, 2);
    // A failed claim left the epoch alone: the holder's epoch is still the current one.
    assert.equal((await a.leases.claim('meadow')).claimed, false);
    const { rows } = await fx.db.query("SELECT epoch, node_id FROM world_epochs WHERE world = 'meadow'");
    assert.deepEqual(rows, [{ epoch: '2', node_id: 'b' }]);
  });

  test('a node that stalled past its TTL cannot renew: the lease is taken, and its token and epoch are refused', async () => {
    const a = await fx.node('a', 150);
    const b = await fx.node('b', 5000);
    const claim = await a.leases.claim('stall');
    assert.ok(claim.claimed);
    await keyGone(a.redis, fx.keys.lease('stall'));
    const taken = await b.leases.claim('stall');
    assert.ok(taken.claimed);
    assert.equal(taken.lease.epoch, claim.lease.epoch + 1);
    assert.equal(await a.leases.renew(claim.lease), 'taken');
    assert.equal(claim.lease.validUntilMs, 0, 'the loser knows it may no longer act as owner');
    assert.equal(await a.leases.release(claim.lease), false);
    assert.equal(await b.leases.renew(taken.lease), 'renewed');
  });

  test('many nodes claiming the same worlds at once: exactly one owner per world, epochs 1', async () => {
    const nodes = await Promise.all(['n1', 'n2', 'n3', 'n4'].map((id) => fx.node(id)));
    const worlds = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'];
    const results = await Promise.all(worlds.flatMap((w) => nodes.map(async (n) => ({ w, n: n.id, r: await n.leases.claim(w) }))));
    for (const w of worlds) {
      const won = results.filter((x) => x.w === w && x.r.claimed);
      assert.equal(won.length, 1, `one owner of ${w}`);
      const lease = won[0]!.r.claimed ? won[0]!.r.lease : undefined;
      assert.equal(lease?.epoch, 1, `failed claims of ${w} rolled their epoch back`);
      for (const x of results.filter((y) => y.w === w && !y.r.claimed)) {
        assert.ok(!x.r.claimed && (x.r.reason === 'held' || x.r.reason === 'busy'), `loser ${x.n} of ${w}: ${JSON.stringify(x.r)}`);
      }
    }
  });

  test('the epoch never goes backwards when Redis restarts empty; only a continuing claim with nobody in between keeps the world', async (t) => {
    const own = await startOwnRedis();
    t.after(() => own.close());
    const a = await fx.node('a', 5000, own.url);
    const b = await fx.node('b', 5000, own.url);
    const first = await a.leases.claim('phoenix');
    assert.ok(first.claimed);

    await own.stop();
    await own.start();
    await waitConnected(a.redis);
    assert.equal(await a.leases.renew(first.lease), 'expired', 'Redis forgot the lease (and its scripts: EVAL fallback)');
    const cont = await a.leases.claim('phoenix', first.lease.epoch);
    assert.ok(cont.claimed, 'nobody owned it in between: A keeps the world from memory');
    assert.equal(cont.lease.epoch, first.lease.epoch + 1);

    await own.kill();
    await own.start();
    await waitConnected(b.redis);
    const byB = await b.leases.claim('phoenix');
    assert.ok(byB.claimed, 'after another empty restart B claims first');
    assert.equal(byB.lease.epoch, cont.lease.epoch + 1, 'still higher than any epoch before');
    await waitConnected(a.redis);
    assert.equal(await a.leases.renew(cont.lease), 'taken');
    assert.deepEqual(await a.leases.claim('phoenix', cont.lease.epoch), { claimed: false, reason: 'superseded' }, 'A must drop its stale world');
  });

  test('a claim that stalls between PostgreSQL and Redis past the idle timeout fails and leaves no lease and no epoch', async (t) => {
    const own = await startOwnRedis();
    t.after(() => own.close());
    const a = await fx.node('a', 1000, own.url);
    const inTx = async () => Number((await fx.db.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'")).rows[0].count);
    own.pause();
    const claim = a.leases.claim('stuck');
    // Generous bounds: a loaded machine (the cluster files run beside this one) is slow to show them.
    await until(async () => (await inTx()) >= 1, 'the claim waiting on Redis inside its transaction', 15_000);
    await until(async () => (await inTx()) === 0, 'PostgreSQL ending the idle transaction', 15_000);
    own.resume();
    await assert.rejects(claim);
    assert.equal(await a.redis.exists(fx.keys.lease('stuck')), 0, 'the Redis lease it took was given back');
    assert.deepEqual((await fx.db.query("SELECT epoch FROM world_epochs WHERE world = 'stuck'")).rows, []);
    const again = await a.leases.claim('stuck');
    assert.ok(again.claimed && again.lease.epoch === 1, 'the process lives on and the next claim works');
  });
});

/** The fixture's connections do not reconnect on their own; a restarted server needs a new socket. */
async function waitConnected(redis: { isReady: boolean; connect(): Promise<unknown> }): Promise<void> {
  if (!redis.isReady) await redis.connect();
}
