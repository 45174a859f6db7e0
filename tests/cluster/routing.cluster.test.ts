/**
 * A cluster of three node processes (real Redis, real PostgreSQL): any node takes a player and
 * sends it to the node that runs its world in one `moved`; the world list and quick join see the
 * whole cluster; a resume token is spent once, however many nodes race with it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWorldList } from '../../src/shared/protocol.js';
import { subprotocolsFor } from '../../src/shared/resume-offer.js';
import { openRaw, type RawSocket } from '../support/raw-socket.js';
import { joined, until } from '../support/server-fixture.js';
import { CLUSTER_ADMIN_TOKEN, startTestCluster, type TestCluster } from '../support/cluster-nodes.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster({ name: 'routing', nodes: 3, args: ['--worlds', 'lobby:3', '--max-players', '3'] });
});
after(() => cluster?.close());

test('a player reaching a node that does not run its world is moved there, in one hop; the others come straight in', async () => {
  const [n1, n2, n3] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0], typeof cluster.nodes[0]];
  const first = cluster.client('Forester1', { world: 'forest', home: n2 });
  await joined(first, 10_000);
  const owner = cluster.ownerOf('forest');
  assert.ok(owner, 'forest runs somewhere');
  const others = [n1, n2, n3].filter((n) => n !== owner);
  const viaOther = cluster.client('Forester2', { world: 'forest', home: others[0]! });
  const viaOwner = cluster.client('Forester3', { world: 'forest', home: owner });
  await Promise.all([joined(viaOther, 10_000), joined(viaOwner, 10_000)]);
  assert.equal(viaOther.moves, 1, 'one moved, then in');
  assert.equal(viaOther.currentUrl, owner.wsUrl);
  assert.equal(viaOwner.moves, 0);
  // All three in one world: they see each other.
  await until(viaOther, () => viaOther.players.has(first.selfId!) && viaOther.players.has(viaOwner.selfId!), 'sees both others');
  assert.ok(owner.logs.some((l) => l.event === 'world_claimed' && l['world'] === 'forest'));
  assert.ok(others[0]!.logs.some((l) => l.event === 'moved' && l['world'] === 'forest' && l['url'] === owner.wsUrl));
  for (const c of [first, viaOther, viaOwner]) c.leave();
});

test('the world list is the cluster\'s from any node; quick joins fill the lobby, then open lobby-2', async () => {
  const quick = [];
  for (let i = 0; i < 4; i++) {
    const c = cluster.client(`Quick${i}`, { home: cluster.nodes[i % 3]! });
    await joined(c, 10_000);
    quick.push(c);
  }
  assert.deepEqual(quick.map((c) => c.world), ['lobby', 'lobby', 'lobby', 'lobby-2']);
  // Every node lists both worlds with their players and all three nodes.
  for (const n of cluster.nodes) {
    const expect = async () => {
      const list = decodeWorldList(await (await fetch(`${n.httpUrl}/worlds`)).text());
      assert.ok(list);
      return list;
    };
    let list = await expect();
    const complete = () => list.worlds.some((w) => w.name === 'lobby-2' && w.players === 1) && list.nodes.length === cluster.nodes.length;
    for (let tries = 0; tries < 80 && !complete(); tries++) {
      // The directory is refreshed twice a second.
      await new Promise((r) => setTimeout(r, 100));
      list = await expect();
    }
    assert.deepEqual(list.worlds.find((w) => w.name === 'lobby'), { name: 'lobby', players: 3, capacity: 3 }, `${n.id}: ${JSON.stringify(list)}`);
    assert.deepEqual(list.worlds.find((w) => w.name === 'lobby-2'), { name: 'lobby-2', players: 1, capacity: 3 });
    assert.equal(list.worlds[0]?.name, 'lobby', 'configured worlds first');
    assert.deepEqual([...list.nodes].sort(), cluster.nodes.map((x) => x.wsUrl).sort());
  }
  // The operator's view: /status.json lists the nodes and which runs what.
  const status = (await (await fetch(`${cluster.nodes[0]!.httpUrl}/status.json`, { headers: { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` } })).json()) as {
    cluster: { nodes: Array<{ id: string }>; worlds: Array<{ name: string; node: string; players: number }> };
  };
  assert.deepEqual(status.cluster.nodes.map((n) => n.id).sort(), ['n1', 'n2', 'n3']);
  assert.equal(status.cluster.worlds.find((w) => w.name === 'lobby')?.node, cluster.ownerOf('lobby')?.id);
  for (const c of quick) c.leave();
});

test('two resumes racing with one token through different nodes: exactly one wins', async () => {
  const c = cluster.client('Racer', { world: 'forest', home: cluster.nodes[0]! });
  await joined(c, 10_000);
  const token = c.resumeToken!;
  // The player vanishes without a word; its seat waits for a resume.
  c.dispose();
  const offer = subprotocolsFor({ resumeToken: token, lastChatSeq: 0 });
  const outcome = async (start: string): Promise<string> => {
    let raw: RawSocket = await openRaw(start, offer);
    let m = await raw.next((x) => x['t'] === 'welcome' || x['t'] === 'resume_failed' || x['t'] === 'moved', 10_000);
    if (m['t'] === 'moved') {
      raw.ws.close();
      raw = await openRaw(String(m['url']), offer);
      m = await raw.next((x) => x['t'] === 'welcome' || x['t'] === 'resume_failed', 10_000);
    }
    raw.ws.close();
    return m['t'] === 'welcome' && m['resumed'] === true ? 'resumed' : String(m['t']);
  };
  const results = await Promise.all([...cluster.nodes, ...cluster.nodes].map((n) => outcome(n.wsUrl)));
  assert.equal(results.filter((r) => r === 'resumed').length, 1, results.join(', '));
  assert.equal(results.filter((r) => r === 'resume_failed').length, 5, results.join(', '));
});
