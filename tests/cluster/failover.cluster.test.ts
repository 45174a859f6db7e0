/**
 * A node dies or stalls under its players (three node processes, real Redis and PostgreSQL):
 * - kill -9 of a world's owner: another node claims the world once the lease runs out, restores
 *   it from the last checkpoint, and every player resumes there as the same player, at the same
 *   position, with every chat line exactly once (also one sent into the dead node);
 * - SIGSTOP of an owner past its lease: the world moves on; when the stalled node wakes up, its
 *   late writes are refused and it stops the world at once; the logs show one owner at a time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TetherClient } from '../../src/client/core/tether-client.js';
import { joined, until } from '../support/server-fixture.js';
import { ownershipViolations, startTestCluster, type NodeProcess, type TestCluster } from '../support/cluster-nodes.js';

let cluster: TestCluster;
const killedAt = new Map<string, number>();

before(async () => {
  cluster = await startTestCluster({ name: 'failover', nodes: 3, args: ['--lease-ms', '2000'] });
});
after(() => cluster?.close());

/** Every line once, in seq order without gaps from the first one the client saw. */
function assertChatOnce(c: TetherClient, texts: readonly string[]): void {
  const seqs = c.chatLog.map((l) => l.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in seq order');
  assert.equal(new Set(seqs).size, seqs.length, 'no seq twice');
  for (const text of texts) assert.equal(c.chatLog.filter((l) => l.text === text).length, 1, `"${text}" exactly once at ${c.self?.info.name}`);
}

/** Resolves once the world's checkpoint in PostgreSQL holds these bodies where they are. */
async function checkpointHas(world: string, bodies: ReadonlyArray<{ id: number | null; x: number; y: number }>): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const { rows } = await cluster.db.query('SELECT bodies FROM world_checkpoints WHERE world = $1', [world]);
    const stored = (rows[0]?.['bodies'] ?? []) as Array<[number, number, number]>;
    if (bodies.every((b) => stored.some(([id, x, y]) => id === b.id && x === b.x && y === b.y))) return;
    if (performance.now() > deadline) throw new Error(`the checkpoint of ${world} never held ${JSON.stringify(bodies)}: ${JSON.stringify(stored)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function playersIn(world: string, names: string[]): Promise<TetherClient[]> {
  const cs = names.map((name, i) => cluster.client(name, { world, home: cluster.nodes[i % cluster.nodes.length]! }));
  await Promise.all(cs.map((c) => joined(c, 10_000)));
  return cs;
}

test('kill -9 of the owner: the players resume on another node as the same players, where they stood, chat exactly once', async () => {
  const players = await playersIn('isle', ['Isla', 'Ivo', 'Inès']);
  const owner = cluster.ownerOf('isle')!;
  assert.ok(owner);
  const sent: string[] = [];
  for (const [i, c] of players.entries()) {
    const text = `before the crash ${i}`;
    sent.push(text);
    c.say(text);
  }
  await Promise.all(players.map((c) => until(c, () => sent.every((t) => c.chatLog.some((l) => l.text === t)), 'all lines before the crash', 5000)));
  const before = players.map((c) => ({ id: c.selfId, name: c.self!.info.name, character: c.self!.info.character, x: c.self!.info.x, y: c.self!.info.y }));
  // Standing still since joining: wait until the last checkpoint has them where they are.
  await checkpointHas('isle', before);
  killedAt.set(owner.id, Date.now());
  const t0 = performance.now();
  await owner.stop('SIGKILL');
  // A line typed while the node is gone: sent when the client is back, posted once.
  players[0]!.say('typed into the void');
  sent.push('typed into the void');
  await Promise.all(players.map((c) => until(c, () => c.resumes >= 1 && c.status.kind === 'live', 'resumed after the kill', 15_000)));
  const resumeMs = performance.now() - t0;
  process.stdout.write(`# kill -9 -> all 3 players resumed after ${Math.round(resumeMs)} ms (lease 2000 ms)\n`);
  const next = cluster.ownerOf('isle');
  assert.ok(next && next !== owner, 'another node runs the world');
  const claim = next.logs.find((l) => l.event === 'world_claimed' && l['world'] === 'isle')!;
  assert.equal(claim['restored'], 3, 'restored all three bodies from the checkpoint');
  for (const [i, c] of players.entries()) {
    assert.equal(c.rejoins, 0, 'nobody went back through a new session (no join screen)');
    assert.deepEqual({ id: c.selfId, name: c.self!.info.name, character: c.self!.info.character, x: c.self!.info.x, y: c.self!.info.y }, before[i], 'same player, same place');
  }
  await Promise.all(players.map((c) => until(c, () => c.chatLog.some((l) => l.text === 'typed into the void'), 'the line typed during the crash', 5000)));
  for (const c of players) assertChatOnce(c, sent);
  for (const c of players) c.leave();
  assert.deepEqual(ownershipViolations(cluster.allLogs(), killedAt), []);
  await owner.start();
});

test('SIGSTOP past the lease: the world moves on; woken, the stalled node is refused and stops the world at once', async () => {
  const players = await playersIn('fjord', ['Fenna', 'Finn']);
  const stalled = cluster.ownerOf('fjord') as NodeProcess;
  assert.ok(stalled);
  await checkpointHas('fjord', players.map((c) => ({ id: c.selfId, x: c.self!.info.x, y: c.self!.info.y })));
  stalled.signal('SIGSTOP');
  try {
    await Promise.all(players.map((c) => until(c, () => c.resumes >= 1 && c.status.kind === 'live', 'resumed on another node', 15_000)));
  } finally {
    stalled.signal('SIGCONT');
  }
  const next = cluster.ownerOf('fjord');
  assert.ok(next && next !== stalled, 'another node runs the world');
  const lost = await stalled.waitFor((l) => l.event === 'world_lost' && l['world'] === 'fjord', 'the woken node lets the world go');
  assert.match(String(lost['why']), /fenced|taken/);
  assert.ok(stalled.logs.some((l) => l.event === 'fenced_write_refused' && l['world'] === 'fjord') || String(lost['why']).includes('taken'), 'its late write was refused');
  for (const c of players) assert.equal(c.rejoins, 0);
  assert.deepEqual(ownershipViolations(cluster.allLogs(), killedAt), []);
  for (const c of players) c.leave();
});
