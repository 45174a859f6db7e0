/**
 * A rolling deploy of a three-node cluster while nine players in three worlds chat: each node in
 * turn gets SIGTERM (it hands its worlds to the others: final checkpoint, release, `moved`), exits
 * 0 and starts again. Nobody goes back to the join screen (no new session, no refusal), every
 * line reaches every player of its world exactly once, and the logs show one owner at a time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TetherClient } from '../../src/client/core/tether-client.js';
import { joined, until } from '../support/server-fixture.js';
import { ownershipViolations, startTestCluster, type TestCluster } from '../support/cluster-nodes.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster({ name: 'deploy', nodes: 3 });
});
after(() => cluster?.close());

test('rolling restart of every node with players chatting: nobody back at the join screen, no chat lost or doubled', async () => {
  const worlds = ['amber', 'birch', 'cedar'];
  const players: Array<{ c: TetherClient; world: string; sent: string[]; maxGapMs: number; refused: number }> = [];
  for (let i = 0; i < 9; i++) {
    const world = worlds[i % 3]!;
    const c = cluster.client(`Dep${i}`, { world, home: cluster.nodes[i % 3]! });
    const p = { c, world, sent: [] as string[], maxGapMs: 0, refused: 0 };
    let last = 0;
    c.on('snapshot', () => {
      const now = performance.now();
      if (last > 0) p.maxGapMs = Math.max(p.maxGapMs, now - last);
      last = now;
    });
    c.on('refused', () => p.refused++);
    players.push(p);
  }
  await Promise.all(players.map((p) => joined(p.c, 10_000)));
  let n = 0;
  const chatter = setInterval(() => {
    for (const p of players) {
      const text = `${p.c.self?.info.name ?? '?'} line ${n}`;
      if (p.c.say(text).ok) p.sent.push(text);
    }
    n++;
  }, 1200);
  try {
    for (const node of cluster.nodes) {
      const code = await node.stop('SIGTERM');
      assert.equal(code, 0, `${node.id} exits 0 after draining`);
      const drained = node.logs.find((l) => l.event === 'drained');
      assert.ok(drained, `${node.id} handed its worlds over`);
      await node.start();
    }
    // Everyone is back in business before the chat stops.
    await Promise.all(players.map((p) => until(p.c, () => p.c.status.kind === 'live', `${p.c.self?.info.name} live after the deploy`, 10_000)));
    // And one more round of lines is said after it.
    const roundAfter = n;
    await until(players[0]!.c, () => n > roundAfter, 'a round of lines after the deploy', 5000);
  } finally {
    clearInterval(chatter);
  }
  for (const p of players) {
    const mates = players.filter((q) => q.world === p.world);
    const expected = mates.flatMap((q) => q.sent);
    await until(p.c, () => expected.every((t) => p.c.chatLog.some((l) => l.text === t)), `${p.c.self?.info.name}: every line of ${p.world}`, 10_000);
    for (const t of expected) assert.equal(p.c.chatLog.filter((l) => l.text === t).length, 1, `"${t}" once`);
    assert.equal(p.c.rejoins, 0, 'no new session: the join screen never came back');
    assert.equal(p.refused, 0);
    assert.equal(p.c.status.kind, 'live');
  }
  const gaps = players.map((p) => Math.round(p.maxGapMs)).sort((a, b) => a - b);
  process.stdout.write(`# rolling deploy: longest freeze per player (ms) ${gaps.join(', ')}; moves ${players.map((p) => p.c.moves).join(', ')}\n`);
  assert.ok(gaps.at(-1)! < 3000, `no player frozen for seconds: ${gaps.join(', ')}`);
  assert.deepEqual(ownershipViolations(cluster.allLogs()), []);
  const handOffs = cluster.allLogs().filter((l) => l.event === 'world_handed_off').length;
  assert.ok(handOffs >= 3, `worlds moved between nodes: ${handOffs}`);
  for (const p of players) p.c.leave();
});
