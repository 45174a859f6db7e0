/**
 * Redis goes away for a few seconds and comes back empty (this machine's Redis keeps nothing on
 * disk), under a three-node cluster on a redis-server of the test's own: the players keep
 * playing meanwhile (state frames never stop), a line said during the outage is posted once when
 * Redis is back, every owner claims its worlds back (a continuing claim: no world runs twice),
 * chat numbering goes on without a gap, and sessions work again: a dropped player resumes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TetherClient } from '../../src/client/core/tether-client.js';
import { subprotocolsFor } from '../../src/shared/resume-offer.js';
import { openRaw } from '../support/raw-socket.js';
import { startOwnRedis, type OwnRedis } from '../support/redis-fixture.js';
import { joined, until } from '../support/server-fixture.js';
import { ownershipViolations, startTestCluster, type TestCluster } from '../support/cluster-nodes.js';

let redis: OwnRedis;
let cluster: TestCluster;

before(async () => {
  redis = await startOwnRedis();
  cluster = await startTestCluster({ name: 'redis-restart', nodes: 3, redisUrl: redis.url });
});
after(async () => {
  await cluster?.close();
  await redis?.close();
});

test('Redis restarted empty: play goes on, worlds are claimed back by their owners, chat and sessions carry on', async () => {
  const players: TetherClient[] = [];
  for (const [i, world] of ['mesa', 'mesa', 'reef', 'reef'].entries()) {
    const c = cluster.client(`Rr${i}`, { world, home: cluster.nodes[i % 3]! });
    players.push(c);
  }
  await Promise.all(players.map((c) => joined(c, 10_000)));
  players[0]!.say('before the outage');
  await until(players[1]!, () => players[1]!.chatLog.some((l) => l.text === 'before the outage'), 'line before');
  const seqBefore = players[1]!.chatLog.at(-1)!.seq;
  const owners = { mesa: cluster.ownerOf('mesa')!, reef: cluster.ownerOf('reef')! };

  const frames = players.map(() => 0);
  const offs = players.map((c, i) => c.on('snapshot', () => frames[i]!++));
  await redis.kill();
  players[0]!.say('said while Redis was down');
  await new Promise((r) => setTimeout(r, 2500));
  for (const [i, c] of players.entries()) {
    assert.ok(frames[i]! > 30, `${c.self?.info.name} kept getting state during the outage (${frames[i]} frames in 2.5 s)`);
    assert.equal(c.status.kind, 'live');
  }
  offs.forEach((off) => off());
  // Meanwhile a player drops; its session must still be there for it afterwards.
  const token = players[3]!.resumeToken!;
  players[3]!.dispose();
  await redis.start();

  for (const [world, owner] of Object.entries(owners)) {
    const back = await owner.waitFor((l) => l.event === 'world_reclaimed' && l['world'] === world, `${world} claimed back`, 15_000);
    assert.ok(Number(back['sessions']) >= 1, `${world}: sessions written again (${String(back['sessions'])})`);
  }
  assert.equal(cluster.ownerOf('mesa'), owners.mesa, 'the same owner, no move');
  assert.equal(cluster.ownerOf('reef'), owners.reef);
  await until(players[1]!, () => players[1]!.chatLog.some((l) => l.text === 'said while Redis was down'), 'the outage line, posted once Redis was back', 10_000);
  players[1]!.say('after the restart');
  await until(players[0]!, () => players[0]!.chatLog.some((l) => l.text === 'after the restart'), 'a line after');
  const seqs = players[0]!.chatLog.map((l) => l.seq).filter((s) => s > seqBefore);
  assert.deepEqual(seqs, [seqBefore + 1, seqBefore + 2], 'numbering goes on without a gap or a repeat');
  assert.equal(players[0]!.chatLog.filter((l) => l.text === 'said while Redis was down').length, 1);

  // The dropped player resumes with the token it had, through any node.
  let raw = await openRaw(cluster.nodes[2]!.wsUrl, subprotocolsFor({ resumeToken: token, lastChatSeq: 0 }));
  let answer = await raw.next((m) => m['t'] === 'welcome' || m['t'] === 'resume_failed' || m['t'] === 'moved', 10_000);
  if (answer['t'] === 'moved') {
    raw.ws.close();
    raw = await openRaw(String(answer['url']), subprotocolsFor({ resumeToken: token, lastChatSeq: 0 }));
    answer = await raw.next((m) => m['t'] === 'welcome' || m['t'] === 'resume_failed', 10_000);
  }
  assert.equal(answer['t'], 'welcome');
  assert.equal(answer['resumed'], true);
  raw.ws.close();
  for (const c of players.slice(0, 3)) {
    assert.equal(c.rejoins, 0);
    assert.equal(c.status.kind, 'live');
  }
  assert.deepEqual(ownershipViolations(cluster.allLogs()), []);
  for (const c of players.slice(0, 3)) c.leave();
});
