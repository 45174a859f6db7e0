import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startClusterFixture, type ClusterFixture, type TestNode } from '../../../tests/support/cluster-fixture.js';
import { startOwnRedis } from '../../../tests/support/redis-fixture.js';
import { ChatHistory } from './chat-history.js';
import { WorldChatStream } from './world-chat-stream.js';
import type { WorldLease } from './world-leases.js';

describe('world chat stream (Redis) and chat history (PostgreSQL)', () => {
  let fx: ClusterFixture;
  let owner: TestNode;
  const log = (n: TestNode) => new WorldChatStream({ redis: n.redis, scripts: n.scripts, keys: fx.keys, keepLines: 1000, keepClientIds: 20_000 });
  const claim = async (n: TestNode, world: string, continueFrom?: number): Promise<WorldLease> => {
    const c = await n.leases.claim(world, continueFrom);
    assert.ok(c.claimed, JSON.stringify(c));
    return c.lease;
  };
  before(async () => {
    fx = await startClusterFixture();
    owner = await fx.node('owner');
  });
  after(() => fx.close());

  test('240 lines appended at once over 4 connections, each also resent concurrently: seqs 1..240 without a gap, every line once', async () => {
    const lease = await claim(owner, 'agora');
    const logs = [owner, ...(await Promise.all([1, 2, 3].map((i) => fx.node(`c${i}`))))].map(log);
    const attempts = logs.flatMap((l, sender) =>
      Array.from({ length: 60 }, (_, i) => {
        const line = { from: sender + 1, clientId: `m${i}`, name: `S${sender}`, text: `hello ${sender}/${i} 你好`, atMs: 1000 + i };
        // The resend goes through another connection, as a reconnect to another node would.
        const tag = (r: Awaited<ReturnType<WorldChatStream['append']>>) => ({ key: `${sender}:${i}`, seq: r.line.seq, fresh: r.fresh, text: r.line.text });
        return [l.append(lease, line).then(tag), logs[(sender + 1) % 4]!.append(lease, line).then(tag)];
      }),
    ).flat();
    const results = await Promise.all(attempts);
    const fresh = results.filter((r) => r.fresh);
    assert.equal(fresh.length, 240, 'each line posted once');
    assert.deepEqual(fresh.map((r) => r.seq).sort((a, b) => a - b), Array.from({ length: 240 }, (_, i) => i + 1), 'gapless');
    const seqOf = new Map(fresh.map((r) => [r.key, r.seq]));
    for (const r of results) {
      assert.equal(r.seq, seqOf.get(r.key), `the resend of ${r.key} answers the first seq`);
      assert.equal(r.text, `hello ${r.key.replace(':', '/')} 你好`, 'and the line as posted');
    }
    const lines = await log(owner).after('agora', 0, 1000);
    assert.deepEqual(lines.map((l) => l.seq), Array.from({ length: 240 }, (_, i) => i + 1));
    for (const l of lines) assert.equal(seqOf.get(`${l.from - 1}:${l.clientId.slice(1)}`), l.seq);
    assert.equal(lines[0]!.text.endsWith('你好'), true);
    assert.equal(await log(owner).lastSeq('agora'), 240);
    assert.deepEqual((await log(owner).after('agora', 235, 3)).map((l) => l.seq), [238, 239, 240], 'the newest when there are more');
  });

  test('history: a batch is stored once, read back in order, and a repeated batch adds nothing', async () => {
    const lease = await claim(owner, 'archive');
    const history = new ChatHistory(owner.pool);
    const lines = [1, 2, 3].map((seq) => ({ seq, from: 9, clientId: `k${seq}`, name: 'Zoë', text: `t${seq}`, atMs: 1_700_000_000_000 + seq }));
    assert.equal(await history.append(lease, lines), 3);
    assert.equal(await history.append(lease, lines), 0);
    assert.deepEqual(await history.after('archive', 1, 10), lines.slice(1));
    assert.equal(await history.lastSeq('archive'), 3);
    assert.equal(await history.lastSeq('nowhere'), 0);
  });

  test('Redis restarted empty: the owner restores the log from the history; numbering and dedupe go on', async (t) => {
    const own = await startOwnRedis();
    t.after(() => own.close());
    const node = await fx.node('phoenix-owner', 5000, own.url);
    const chat = log(node);
    const history = new ChatHistory(node.pool);
    let lease = await claim(node, 'phoenix-chat');
    for (let i = 1; i <= 5; i++) await chat.append(lease, { from: 1, clientId: `p${i}`, name: 'Ann', text: `line ${i}`, atMs: i });
    assert.equal(await history.append(lease, await chat.after('phoenix-chat', 0, 100)), 5);

    await own.stop();
    await own.start();
    await node.redis.connect();
    lease = await claim(node, 'phoenix-chat', lease.epoch);
    assert.equal(await chat.lastSeq('phoenix-chat'), 0, 'Redis lost the log');
    assert.equal(await chat.restore(lease, await history.lastSeq('phoenix-chat'), await history.after('phoenix-chat', 0, 1000)), 5);
    assert.equal(await chat.restore(lease, 5, []), 0, 'a second restore finds Redis up to date');
    const resent = { from: 1, clientId: 'p3', name: 'Ann', text: 'line 3, resent', atMs: 33 };
    assert.deepEqual(await chat.append(lease, resent), { line: { seq: 3, from: 1, clientId: 'p3', name: 'Ann', text: 'line 3', atMs: 3 }, fresh: false });
    assert.deepEqual(await chat.append(lease, { from: 1, clientId: 'p6', name: 'Ann', text: 'line 6', atMs: 6 }), { line: { seq: 6, from: 1, clientId: 'p6', name: 'Ann', text: 'line 6', atMs: 6 }, fresh: true });
    assert.deepEqual((await chat.after('phoenix-chat', 0, 100)).map((l) => l.text), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
  });
});
