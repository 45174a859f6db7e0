import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { keyGone, startClusterFixture, type ClusterFixture } from '../../../tests/support/cluster-fixture.js';
import { pollUntil } from '../../../tests/support/poll.js';
import { startOwnRedis } from '../../../tests/support/redis-fixture.js';
import { systemClock } from '../../shared/system-clock.js';
import { LeaseKeeper, type LeaseState } from './lease-keeper.js';
import type { WorldLease } from './world-leases.js';

/** A keeper whose state changes can be awaited. */
function watchedKeeper(leases: ConstructorParameters<typeof LeaseKeeper>[0], renewEveryMs: number) {
  const states: LeaseState[] = [];
  const waiters: Array<{ state: LeaseState; resolve: () => void }> = [];
  const keeper = new LeaseKeeper(leases, systemClock, renewEveryMs, (_lease: WorldLease, state) => {
    states.push(state);
    for (const w of waiters.filter((x) => x.state === state)) w.resolve();
  });
  const next = (state: LeaseState, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${state}' within ${ms} ms; states: ${states.join(',')}`)), ms);
      waiters.push({ state, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { keeper, states, next };
}

describe('lease keeper', () => {
  let fx: ClusterFixture;
  before(async () => {
    fx = await startClusterFixture();
  });
  after(() => fx.close());

  test('renewals keep a lease alive over many TTLs without a state change', async (t) => {
    const a = await fx.node('a', 300);
    const c = await a.leases.claim('kept');
    assert.ok(c.claimed);
    const { keeper, states } = watchedKeeper(a.leases, 100);
    t.after(() => keeper.stop());
    keeper.keep(c.lease);
    await pollUntil(() => keeper.renewals >= 12, '12 renewals (4 TTLs)');
    assert.deepEqual(states, []);
    assert.equal(await a.redis.hGet(fx.keys.lease('kept'), 'token'), c.lease.token);
  });

  test('a node that renews too late finds its lease taken', async (t) => {
    const a = await fx.node('a', 150);
    const b = await fx.node('b', 5000);
    const c = await a.leases.claim('late');
    assert.ok(c.claimed);
    // Renewing every 2 s with a 150 ms TTL is what a stalled node does.
    const { keeper, next } = watchedKeeper(a.leases, 2000);
    t.after(() => keeper.stop());
    keeper.keep(c.lease);
    await next('unsure');
    await keyGone(b.redis, fx.keys.lease('late'));
    assert.ok((await b.leases.claim('late')).claimed);
    await next('taken', 4000);
    assert.deepEqual(keeper.worlds, []);
  });

  test('Redis unreachable: unsure once the lease runs out; Redis back empty: expired', async (t) => {
    const own = await startOwnRedis();
    t.after(() => own.close());
    const a = await fx.node('a', 300, own.url);
    const c = await a.leases.claim('outage');
    assert.ok(c.claimed);
    const { keeper, next, states } = watchedKeeper(a.leases, 100);
    t.after(() => keeper.stop());
    keeper.keep(c.lease);
    await own.stop();
    await next('unsure');
    await own.start();
    await a.redis.connect();
    await next('expired');
    assert.deepEqual(states, ['unsure', 'expired']);
  });
});
