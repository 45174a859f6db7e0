/**
 * Holding on: drops of every kind through a real chaos proxy, a real server restart on the same
 * port and database, and the same player afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, joined, until, type Fixture } from './support/server-fixture.js';
import { countingClock } from './support/counting-clock.js';
import { hello, openRaw } from './support/raw-socket.js';
import { startChaosProxy, type ChaosProxy } from '../src/netsim/chaos-proxy.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { subprotocolsFor } from '../src/shared/resume-offer.js';
import type { TetherClient } from '../src/client/core/tether-client.js';

async function withProxy(fx: Fixture): Promise<{ proxy: ChaosProxy; url: string }> {
  const proxy = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: fx.server.port, profile: 'ideal', seed: 1, log: () => {} });
  return { proxy, url: `ws://127.0.0.1:${proxy.port}/ws` };
}

function presenceOf(viewer: TetherClient, id: number): string | undefined {
  return viewer.players.get(id)?.info.state;
}

test('an abrupt reset: the same player resumes, others see it reconnecting then live', async (t) => {
  const fx = await startFixture();
  const { proxy, url } = await withProxy(fx);
  t.after(async () => {
    await proxy.close();
    await fx.close();
  });
  const watcher = fx.client('Watcher');
  const a = fx.client('路人甲', { url, character: 4 });
  await joined(watcher);
  await joined(a);
  const id = a.selfId!;
  await until(watcher, () => presenceOf(watcher, id) === 'live', 'watcher sees A');

  proxy.resetAll();
  await until(watcher, () => presenceOf(watcher, id) === 'reconnecting', 'watcher sees A reconnecting');
  await until(a, () => a.resumes === 1 && a.status.kind === 'live', 'A resumed');
  await until(watcher, () => presenceOf(watcher, id) === 'live', 'watcher sees A live again');
  assert.equal(a.selfId, id);
  assert.equal(watcher.players.get(id)!.info.name, '路人甲');
  assert.equal(watcher.players.get(id)!.info.character, 4);
  assert.equal([...watcher.players.values()].filter((p) => p.info.name === '路人甲').length, 1);
});

test('a black hole is detected within 3 s on the client and 5 s on the server, then resumed', async (t) => {
  const fx = await startFixture();
  const { proxy, url } = await withProxy(fx);
  t.after(async () => {
    await proxy.close();
    await fx.close();
  });
  const a = fx.client('Hole', { url });
  await joined(a);
  const id = a.selfId!;
  let clientDetectMs = -1;
  const started = performance.now();
  a.connection.on('drop', () => {
    if (clientDetectMs < 0) clientDetectMs = performance.now() - started;
  });
  proxy.blackhole(true);
  await until(a, () => a.status.kind === 'reconnecting', 'client notices', 4000);
  assert.ok(clientDetectMs > 0 && clientDetectMs <= 3000, `client detected after ${clientDetectMs} ms`);
  const serverDead = () => fx.logs.some((l) => l.event === 'link_dead' && l['player'] === id);
  while (!serverDead() && performance.now() - started < 6000) await new Promise((r) => setTimeout(r, 50));
  const serverDetectMs = performance.now() - started;
  assert.ok(serverDead() && serverDetectMs <= 5500, `server detected after ${Math.round(serverDetectMs)} ms`);
  proxy.blackhole(false);
  await until(a, () => a.status.kind === 'live', 'resumed after the hole', 12000);
  assert.equal(a.selfId, id);
  assert.equal(a.resumes, 1, 'resumed the session, not a new join');
});

test('server killed and restarted on the same port and database: everyone comes back with name and position', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const a = fx.client('重启测试', { character: 1 });
  const b = fx.client('Restarter', { character: 3 });
  await joined(a);
  await joined(b);
  a.setHeldDirs(8);
  const walk = setInterval(() => a.advance(performance.now()), 10);
  const xBefore = a.players.get(a.selfId!)!.info.x;
  await until(a, () => a.players.get(a.selfId!)!.info.x > xBefore + 40, 'A walked');
  clearInterval(walk);
  a.setHeldDirs(0);
  a.advance(performance.now() + 1000);
  await until(a, () => a.predictor!.pending.length === 0 && !a.players.get(a.selfId!)!.buffer.latest!.moving, 'A stopped');
  const ids = [a.selfId!, b.selfId!];
  const pos = { ...fx.server.room.world.bodies.get(a.selfId!)!.body };

  await fx.restart();
  await until(a, () => a.rejoins === 1 && a.status.kind === 'live', 'A back', 10000);
  await until(b, () => b.rejoins === 1 && b.status.kind === 'live', 'B back', 10000);
  assert.deepEqual([a.selfId, b.selfId], ids, 'same ids after the restart');
  const me = fx.server.room.world.bodies.get(a.selfId!)!.body;
  assert.equal(me.x, pos.x);
  assert.equal(me.y, pos.y);
  await until(b, () => b.players.get(ids[0]!)?.info.name === '重启测试', 'B sees A by name');
  assert.equal(b.players.get(ids[0]!)!.info.character, 1);
});

test('20 quick drops in a row: no duplicate players, no leaked sockets, timers or listeners', async (t) => {
  const fx = await startFixture();
  const { proxy, url } = await withProxy(fx);
  t.after(async () => {
    await proxy.close();
    await fx.close();
  });
  const clock = countingClock();
  const watcher = fx.client('Counter');
  const a = fx.client('Flaky', { url, clock });
  await joined(watcher);
  await joined(a);
  const timersLive = clock.active();
  const listeners = a.listenerCount() + a.connection.listenerCount();
  for (let i = 0; i < 20; i++) {
    proxy.resetAll();
    await until(a, () => a.status.kind === 'reconnecting', `drop ${i}`);
    await until(a, () => a.status.kind === 'live', `resume ${i}`, 8000);
  }
  assert.equal(a.resumes, 20);
  assert.equal(fx.server.room.playerCount, 2, 'server holds exactly two players');
  assert.equal([...watcher.players.values()].filter((p) => p.info.name === 'Flaky').length, 1);
  assert.equal(a.connection.openSockets, 1, 'one socket alive');
  await until(watcher, () => fx.server.gateway.links.size === 2, 'server holds two links', 5000);
  assert.equal(proxy.stats().connections.length, 1, 'proxy sees one connection');
  assert.equal(clock.active(), timersLive, 'no timers leaked');
  assert.equal(a.listenerCount() + a.connection.listenerCount(), listeners, 'no listeners leaked');
});

test('grace expiry: a vanished player leaves once the grace period ends', async (t) => {
  const fx = await startFixture({ graceMs: 600 });
  t.after(() => fx.close());
  const watcher = fx.client('Stayer');
  const a = fx.client('Vanisher');
  await joined(watcher);
  await joined(a);
  const id = a.selfId!;
  await until(watcher, () => watcher.players.has(id), 'watcher sees A');
  a.dispose();
  await until(watcher, () => presenceOf(watcher, id) === 'reconnecting', 'dimmed first');
  // When exactly the seat is given up is the session registry's (unit-tested on the manual
  // clock); here the real timers end it and everyone is told.
  await until(watcher, () => !watcher.players.has(id), 'gone after grace');
  assert.ok(fx.logs.some((l) => l.event === 'leave' && l['reason'] === 'grace_expired'));
});

test('takeover: the same profile in a second tab takes the seat; the first stops and does not come back', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const watcher = fx.client('Viewer');
  const first = fx.client('Twin');
  await joined(watcher);
  await joined(first);
  await until(watcher, () => watcher.players.has(first.selfId!), 'watcher sees the first tab');
  const second = fx.client('Twin', { accountToken: first.accountToken });
  await joined(second);
  assert.equal(second.selfId, first.selfId);
  await until(first, () => first.status.kind === 'stopped', 'first tab stopped');
  assert.equal(first.status.kind === 'stopped' && first.status.code, CloseCode.TakenOver);
  assert.match(first.status.kind === 'stopped' ? first.status.reason : '', /taken over/);
  assert.equal([...watcher.players.values()].filter((p) => p.info.name === 'Twin').length, 1);
  assert.equal(fx.server.room.playerCount, 2);
  // A third client without the token cannot have the name.
  const thief = fx.client('Twin');
  let refused = '';
  thief.on('refused', (code) => (refused = code));
  await until(thief, () => refused !== '', 'thief refused');
  assert.equal(refused, 'name_taken');
});

test('chat missed during a drop is replayed exactly once and in order; chat typed while away is sent once', async (t) => {
  const fx = await startFixture();
  const { proxy, url } = await withProxy(fx);
  t.after(async () => {
    await proxy.close();
    await fx.close();
  });
  const talker = fx.client('Talker');
  const away = fx.client('Away', { url, liveness: { pingEveryMs: 1000, deadAfterMs: 1500, connectTimeoutMs: 3000 } });
  await joined(talker);
  await joined(away);
  talker.say('before');
  await until(away, () => away.chatLog.some((l) => l.text === 'before'), 'away hears before');
  proxy.blackhole(true);
  // Four lines: with 'before' that is the chat burst allowance (5), so none is rate-limited.
  for (let i = 1; i <= 4; i++) assert.ok(talker.say(`missed ${i}`).ok);
  await until(talker, () => talker.outbox.size === 0, 'talker lines posted');
  await until(away, () => away.status.kind === 'reconnecting', 'away notices');
  // More lines than the chat burst (5): the resent ones over the rate are paced, not refused.
  const offlineLines = Array.from({ length: 7 }, (_, i) => (i === 0 ? 'typed while away' : `away ${i}`));
  for (const line of offlineLines) assert.ok(away.say(line).ok);
  let refused = 0;
  away.on('chatRejected', () => refused++);
  proxy.blackhole(false);
  await until(away, () => away.status.kind === 'live' && away.outbox.size === 0, 'away back, outbox flushed', 15000);
  await until(talker, () => offlineLines.every((x) => talker.chatLog.some((l) => l.text === x)), 'talker hears every offline line', 5000);
  assert.equal(refused, 0, 'no offline line was refused');
  for (const x of offlineLines) assert.equal(talker.chatLog.filter((l) => l.text === x).length, 1, x);
  const texts = away.chatLog.map((l) => l.text);
  assert.deepEqual(texts.filter((x) => x.startsWith('missed')), ['missed 1', 'missed 2', 'missed 3', 'missed 4']);
  assert.equal(texts.filter((x) => x === 'before').length, 1);
  assert.equal(talker.chatLog.filter((l) => l.text === 'typed while away').length, 1);
  const seqs = away.chatLog.map((l) => l.seq);
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
  assert.equal(new Set(seqs).size, seqs.length);
});

test("a resume token from another player or an expired one is refused and takes no one's seat", async (t) => {
  const fx = await startFixture({ graceMs: 300 });
  t.after(() => fx.close());
  const victim = fx.client('Victim');
  await joined(victim);
  const forged = await openRaw(fx.wsUrl, subprotocolsFor({ resumeToken: 'A'.repeat(32), lastChatSeq: 0 }));
  const refusal = await forged.next((m) => m['t'] === 'resume_failed');
  assert.equal(refusal['reason'], 'unknown');
  forged.ws.close();

  // An expired token: the owner vanishes, the grace period ends, the token is then useless.
  const leaver = fx.client('Leaver');
  await joined(leaver);
  const token = leaver.resumeToken!;
  const leaverId = leaver.selfId!;
  await until(victim, () => victim.players.has(leaverId), 'victim sees the leaver');
  leaver.dispose();
  await until(victim, () => !victim.players.has(leaverId), 'leaver gone after grace', 3000);
  const late = await openRaw(fx.wsUrl, subprotocolsFor({ resumeToken: token, lastChatSeq: 0 }));
  assert.equal((await late.next((m) => m['t'] === 'resume_failed'))['reason'], 'unknown');
  late.ws.send(hello('Victim'));
  const err = await late.next((m) => m['t'] === 'error');
  assert.equal(err['code'], 'name_taken');
  late.ws.close();
  assert.equal(victim.status.kind, 'live');
  assert.equal(fx.server.room.playerCount, 1);
});
