/**
 * Worlds over real sockets (single-process mode): GET /worlds lists them for the join screen;
 * a client joins a named world or quick-joins, and comes back into its world after a drop and
 * after a server restart (its hello names the world it was in).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../src/shared/close-codes.js';
import { decodeWorldList } from '../src/shared/protocol.js';
import { hello, openRaw } from './support/raw-socket.js';
import { joined, startFixture, until } from './support/server-fixture.js';

async function worlds(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/worlds`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const list = decodeWorldList(await res.text());
  assert.ok(list, 'the list decodes');
  return list;
}

test('GET /worlds lists the configured worlds, then the ones players opened, with players and capacity', async (t) => {
  const fx = await startFixture({ worlds: [{ name: 'lobby', capacity: 0 }, { name: 'forest', capacity: 30 }], maxPlayers: 50 });
  t.after(() => fx.close());
  assert.deepEqual(await worlds(fx.server.port), {
    worlds: [
      { name: 'lobby', players: 0, capacity: 50 },
      { name: 'forest', players: 0, capacity: 30 },
    ],
    nodes: [],
  });
  const a = fx.client('Ann');
  const b = fx.client('Bo', { world: 'forest' });
  const c = fx.client('Cy', { world: 'pond' });
  await Promise.all([joined(a), joined(b), joined(c)]);
  assert.deepEqual([a.world, b.world, c.world], ['lobby', 'forest', 'pond']);
  assert.deepEqual((await worlds(fx.server.port)).worlds, [
    { name: 'lobby', players: 1, capacity: 50 },
    { name: 'forest', players: 1, capacity: 30 },
    { name: 'pond', players: 1, capacity: 50 },
  ]);
});

test('players in different worlds do not see each other or each other\'s chat', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const a = fx.client('Ann');
  const b = fx.client('Bo', { world: 'garden' });
  await Promise.all([joined(a), joined(b)]);
  assert.deepEqual([...a.players.keys()], [a.selfId]);
  assert.deepEqual([...b.players.keys()], [b.selfId]);
  a.say('only for the lobby');
  await until(a, () => a.chatLog.some((l) => l.text === 'only for the lobby'), 'own line echoed');
  b.say('only for the garden');
  await until(b, () => b.chatLog.some((l) => l.text === 'only for the garden'), 'own line echoed');
  assert.deepEqual(a.chatLog.map((l) => l.text), ['only for the lobby']);
  assert.deepEqual(b.chatLog.map((l) => [l.seq, l.text]), [[1, 'only for the garden']]);
});

test('after a server restart the client comes back into the world it was in, as the same player', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const a = fx.client('Wanderer', { world: 'faraway' });
  await joined(a);
  const id = a.selfId;
  await fx.restart();
  await until(a, () => a.rejoins > 0 && a.status.kind === 'live', 'rejoined after the restart', 15_000);
  assert.equal(a.world, 'faraway');
  assert.equal(a.selfId, id);
  assert.ok(fx.server.lobby.rooms.get('faraway')?.has(id!), 'its body is in that world again');
});

test('a world name that is not one is refused at the boundary', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello('Ann', { world: '../etc' }));
  const closed = await raw.closed;
  assert.equal(closed.code, CloseCode.ProtocolViolation);
  assert.match(closed.reason, /world/);
});
