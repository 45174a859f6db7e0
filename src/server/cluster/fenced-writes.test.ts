/**
 * A node stalls past its lease (simulated: a short TTL runs out), another node claims the world,
 * and the stalled node wakes up believing it still owns it. Every write it then makes is refused;
 * the new owner's writes pass.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { keyGone, startClusterFixture, type ClusterFixture, type TestNode } from '../../../tests/support/cluster-fixture.js';
import { ChatHistory } from './chat-history.js';
import { WorldChatStream } from './world-chat-stream.js';
import { FencedWriteError, LeaseMissingError } from './fence.js';
import { SessionStore } from './session-store.js';
import { WorldCheckpoints } from './world-checkpoints.js';
import type { WorldLease } from './world-leases.js';

describe('fenced writes after a stall past the lease', () => {
  let fx: ClusterFixture;
  let stalled: TestNode;
  let fresh: TestNode;
  let old: WorldLease;
  let current: WorldLease;
  before(async () => {
    fx = await startClusterFixture();
    stalled = await fx.node('stalled', 150);
    fresh = await fx.node('fresh', 5000);
    const a = await stalled.leases.claim('isle');
    assert.ok(a.claimed);
    old = a.lease;
    // Written while it still owned the world: accepted.
    await new WorldCheckpoints(stalled.pool).write(old, 10, 1000, [{ id: 1, x: 5, y: 6, facing: 2, name: 'Ann', character: 1 }]);
    await keyGone(fresh.redis, fx.keys.lease('isle'));
    const b = await fresh.leases.claim('isle');
    assert.ok(b.claimed);
    current = b.lease;
  });
  after(() => fx.close());

  test('checkpoint: the late write is refused and the new owner restores from the last accepted one', async () => {
    const late = new WorldCheckpoints(stalled.pool);
    await assert.rejects(late.write(old, 11, 1050, [{ id: 1, x: 99, y: 99, facing: 0, name: 'Ann', character: 1 }]), FencedWriteError);
    const checkpoints = new WorldCheckpoints(fresh.pool);
    assert.deepEqual(await checkpoints.read('isle'), { world: 'isle', epoch: old.epoch, tick: 10, atMs: 1000, released: false, bodies: [{ id: 1, x: 5, y: 6, facing: 2, name: 'Ann', character: 1 }] });
    await checkpoints.write(current, 12, 1100, [{ id: 1, x: 7.5, y: 8.25, facing: 3, name: 'Ann', character: 1 }]);
    assert.deepEqual((await checkpoints.read('isle'))?.bodies, [{ id: 1, x: 7.5, y: 8.25, facing: 3, name: 'Ann', character: 1 }]);
  });

  test('sessions: the late put, resume and end are refused; the new owner resumes the session', async () => {
    const late = new SessionStore({ redis: stalled.redis, scripts: stalled.scripts, keys: fx.keys, ttlMs: 10_000 });
    const sessions = new SessionStore({ redis: fresh.redis, scripts: fresh.scripts, keys: fx.keys, ttlMs: 10_000 });
    const token = randomBytes(32).toString('hex');
    const rec = { playerId: 3, world: 'isle', name: 'Ann', character: 1, chatAck: 0, awaySinceMs: 0 };
    await assert.rejects(late.put(old, token, rec), FencedWriteError);
    await sessions.put(current, token, rec);
    await assert.rejects(late.resume(old, token, randomBytes(32).toString('hex')), FencedWriteError);
    await assert.rejects(late.end(old, token), FencedWriteError);
    assert.equal((await sessions.resume(current, token, randomBytes(32).toString('hex'))).kind, 'resumed');
  });

  test('chat: the late line is refused by the Redis log and by the durable history', async () => {
    const chatOf = (n: TestNode) => new WorldChatStream({ redis: n.redis, scripts: n.scripts, keys: fx.keys, keepLines: 100, keepClientIds: 100 });
    const line = { from: 3, clientId: 'x1', name: 'Ann', text: 'still here?', atMs: 1 };
    await assert.rejects(chatOf(stalled).append(old, line), FencedWriteError);
    await assert.rejects(new ChatHistory(stalled.pool).append(old, [{ ...line, seq: 1 }]), FencedWriteError);
    assert.deepEqual(await chatOf(fresh).append(current, line), { line: { seq: 1, ...line }, fresh: true }, 'the refused line took no seq');
    assert.equal(await new ChatHistory(fresh.pool).append(current, [{ ...line, seq: 1 }]), 1);
  });
});

describe('writes while the world has no lease at all (ran out, or Redis restarted empty)', () => {
  let fx: ClusterFixture;
  let node: TestNode;
  let lapsed: WorldLease;
  before(async () => {
    fx = await startClusterFixture();
    node = await fx.node('lapsed', 150);
    const a = await node.leases.claim('moor');
    assert.ok(a.claimed);
    lapsed = a.lease;
    await keyGone(node.redis, fx.keys.lease('moor'));
  });
  after(() => fx.close());

  test('sessions and chat say the lease is missing (the owner may claim again), not that another node owns the world', async () => {
    const sessions = new SessionStore({ redis: node.redis, scripts: node.scripts, keys: fx.keys, ttlMs: 10_000 });
    const token = randomBytes(32).toString('hex');
    const rec = { playerId: 3, world: 'moor', name: 'Ann', character: 1, chatAck: 0, awaySinceMs: 0 };
    await assert.rejects(sessions.put(lapsed, token, rec), LeaseMissingError);
    await assert.rejects(sessions.end(lapsed, token), LeaseMissingError);
    const chat = new WorldChatStream({ redis: node.redis, scripts: node.scripts, keys: fx.keys, keepLines: 100, keepClientIds: 100 });
    await assert.rejects(chat.append(lapsed, { from: 3, clientId: 'y1', name: 'Ann', text: 'anyone?', atMs: 1 }), LeaseMissingError);
    await assert.rejects(chat.restore(lapsed, 5, []), LeaseMissingError);
    // A continuing claim (nobody owned it since) gets the world back, and writes pass again.
    const again = await node.leases.claim('moor', lapsed.epoch);
    assert.ok(again.claimed);
    await sessions.put(again.lease, token, rec);
    // Lost again: a resume of a session that exists says the lease is missing too.
    await keyGone(node.redis, fx.keys.lease('moor'));
    await assert.rejects(sessions.resume(again.lease, token, randomBytes(32).toString('hex')), LeaseMissingError);
  });
});
