/**
 * A hostile client against the game's own limits (issue 15): chat replay amplification, ghost
 * floods, a welcome that grows with the world, leave-and-rejoin chat, name creation floods,
 * look-alike names. Each test measures what the attacker gets (bytes, lines, bodies) against
 * the bound, on a real server over real sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startFixture, joined, until } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { lightPlayer, poll, sleep, walk, type LightPlayer } from './support/limits-helpers.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { CHAT_MAX_CHARS } from '../src/shared/limits.js';
import { SUBPROTOCOL } from '../src/shared/protocol.js';
import { HISTORY_ON_JOIN } from '../src/server/chat/replay-policy.js';
import { WELCOME_PLAYERS } from '../src/server/game/roster-welcome.js';

/** A socket that counts the bytes of every text frame it receives, and keeps the parsed messages. */
async function countingSocket(url: string, protocol = SUBPROTOCOL): Promise<{ ws: WebSocket; bytes: () => number; messages: Array<Record<string, unknown>>; closed: Promise<number> }> {
  const ws = new WebSocket(url, [protocol], { perMessageDeflate: false });
  let bytes = 0;
  const messages: Array<Record<string, unknown>> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    bytes += (data as Buffer).length;
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, bytes: () => bytes, messages, closed };
}

function chatBytes(messages: Array<Record<string, unknown>>): { lines: number; bytes: number } {
  const chat = messages.filter((m) => m['t'] === 'chat');
  return { lines: chat.length, bytes: chat.reduce((n, m) => n + Buffer.byteLength(JSON.stringify(m)), 0) };
}

test('replay amplification: a hello with lastChatSeq 0 gets the session window, not the whole history; asking again and again costs more each time, then is refused', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  fx.server.room.chatRate = { burst: 1000, perSecond: 1000 };
  // 500 of the largest lines in the room before the account's session begins.
  const talker = await openRaw(fx.wsUrl);
  talker.ws.send(hello('Talker'));
  await talker.next((m) => m['t'] === 'welcome');
  const big = '\u{1F600}'.repeat(CHAT_MAX_CHARS);
  // 125 a second: under the per-connection message limit (200 a second).
  for (let i = 0; i < 500; i++) {
    talker.ws.send(JSON.stringify({ t: 'chat', id: `l${i}`, text: big }));
    if (i % 125 === 124) await sleep(1050);
  }
  await talker.next((m) => m['t'] === 'chat' && m['echo'] === 'l499', 20_000);
  const owner = fx.client('Owner');
  await joined(owner);
  const token = owner.accountToken!;

  const takeover = async () => {
    const s = await countingSocket(fx.wsUrl);
    s.ws.send(hello('Owner', { accountToken: token, lastChatSeq: 0 }));
    // The replay is paced over the next ticks; give it a second to arrive in full.
    await poll(() => s.messages.some((m) => m['t'] === 'error' || m['t'] === 'welcome'), 3000);
    await sleep(1000);
    const r = { ...chatBytes(s.messages), total: s.bytes(), refused: s.messages.find((m) => m['t'] === 'error'), ws: s.ws, closed: s.closed };
    return r;
  };
  const first = await takeover();
  const lineBytes = first.bytes / Math.max(1, first.lines);
  process.stdout.write(`# first takeover with lastChatSeq 0: ${first.lines} lines, ${first.bytes} chat bytes, ${first.total} text bytes in all (the room holds 500 lines, ${Math.round(500 * lineBytes)} bytes)\n`);
  assert.ok(first.lines <= HISTORY_ON_JOIN, `${first.lines} lines replayed: only the session's window`);
  first.ws.terminate();

  // Again and again from fresh sockets of the same account.
  const costs: number[] = [];
  let refusal: Record<string, unknown> | undefined;
  let refusedClose: Promise<number> | undefined;
  for (let i = 0; i < 40 && !refusal; i++) {
    const s = await countingSocket(fx.wsUrl);
    s.ws.send(hello('Owner', { accountToken: token, lastChatSeq: 0 }));
    await poll(() => s.messages.some((m) => m['t'] === 'error' || m['t'] === 'welcome'), 3000);
    await sleep(60);
    costs.push(chatBytes(s.messages).bytes);
    refusal = s.messages.find((m) => m['t'] === 'error');
    if (refusal) refusedClose = s.closed;
    else s.ws.terminate();
  }
  process.stdout.write(`# repeated takeovers: chat bytes per request ${costs.join(' ')}\n`);
  const tail = costs.slice(4, -1);
  assert.ok(tail.length > 0 && tail.every((b) => b <= 4 * 1024), `after a few requests each costs at most a few KB: ${tail.join(', ')}`);
  assert.ok(refusal, 'asking again and again is refused in the end');
  assert.equal(refusal!['code'], 'slow_down');
  assert.match(String(refusal!['message']), /wait \d+ s/);
  assert.equal(await refusedClose, CloseCode.Flood);
  assert.ok(fx.logs.some((l) => l.event === 'join_refused' && l['reason'] === 'join_rate'), 'logged');
});

test('ghosts: join-then-drop from one address stops at the grace cap; others keep their bodies', async (t) => {
  const fx = await startFixture({ maxGracePerAddress: 3, graceMs: 30_000 });
  t.after(() => fx.close());
  const stayer = fx.client('Stayer');
  await joined(stayer);
  for (let i = 0; i < 12; i++) {
    const g = await lightPlayer(fx.wsUrl, `Ghost${i}`);
    g.close(); // abrupt: the body stays in grace
    await poll(() => fx.server.room.inGraceCount > 0 && [...fx.server.gateway.links].length === 1, 2000);
  }
  await poll(() => fx.server.room.playerCount <= 4, 2000);
  assert.equal(fx.server.room.inGraceCount, 3, 'at most three bodies in grace for the address');
  assert.equal(fx.server.room.playerCount, 4, 'the stayer and three ghosts');
  assert.ok(fx.server.room.roster().some((p) => p.name === 'Stayer' && p.port));
  await until(stayer, () => stayer.players.size === 4, 'the stayer sees the evicted ghosts leave');
});

test('world cap: a join into a full world is refused with world_full and a message; a takeover of a body already in is not', async (t) => {
  const fx = await startFixture({ maxPlayers: 2 });
  t.after(() => fx.close());
  const a = fx.client('First');
  const b = fx.client('Second');
  await joined(a);
  await joined(b);
  // Named on purpose: a quick join would open an overflow world instead (worlds.integration).
  const third = await openRaw(fx.wsUrl);
  third.ws.send(hello('Third', { world: 'lobby' }));
  const refusal = await third.next((m) => m['t'] === 'error');
  assert.equal(refusal['code'], 'world_full');
  assert.match(String(refusal['message']), /full \(2 players\)/);
  const again = await openRaw(fx.wsUrl);
  again.ws.send(hello('First', { accountToken: a.accountToken }));
  assert.equal((await again.next((m) => m['t'] === 'welcome' || m['t'] === 'error'))['t'], 'welcome');
});

test('welcome size stays bounded with a large roster; the rest streams in and every streamed player is where the server has it', async (t) => {
  const fx = await startFixture({ maxConnectionsPerAddress: 1000 });
  t.after(() => fx.close());
  const crowd: LightPlayer[] = [];
  for (let i = 0; i < 200; i++) crowd.push(await lightPlayer(fx.wsUrl, `Crowd${i}`));
  t.after(() => crowd.forEach((c) => c.close()));
  const walker = fx.client('Walker');
  await joined(walker);
  const stopWalking = walk([walker]);
  t.after(stopWalking);

  const s = await countingSocket(fx.wsUrl);
  s.ws.send(hello('Newcomer'));
  await poll(() => s.messages.some((m) => m['t'] === 'welcome'), 3000);
  const welcome = s.messages.find((m) => m['t'] === 'welcome')!;
  const welcomeBytes = JSON.stringify(welcome).length;
  const listed = (welcome['players'] as unknown[]).length;
  process.stdout.write(`# welcome with 202 players in the world: ${welcomeBytes} bytes, ${listed} players listed, rosterRest ${welcome['rosterRest']}\n`);
  assert.equal(listed, WELCOME_PLAYERS);
  assert.equal(welcome['rosterRest'], 202 - WELCOME_PLAYERS);
  assert.ok(welcomeBytes < 10 * 1024, `welcome ${welcomeBytes} bytes`);
  await poll(() => s.messages.some((m) => m['t'] === 'roster' && m['rest'] === 0), 5000);
  const streamed = s.messages.filter((m) => m['t'] === 'roster').flatMap((m) => m['players'] as Array<{ id: number }>);
  assert.equal(new Set([...streamed.map((p) => p.id), ...(welcome['players'] as Array<{ id: number }>).map((p) => p.id)]).size, 202);
  s.ws.close();

  // A tether.1 client knows no roster message: it still gets everyone in its welcome.
  const v1 = await countingSocket(fx.wsUrl, 'tether.1');
  v1.ws.send(JSON.stringify({ t: 'hello', v: 1, name: 'Oldtimer', character: 0 }));
  await poll(() => v1.messages.some((m) => m['t'] === 'welcome'), 3000);
  const v1Welcome = v1.messages.find((m) => m['t'] === 'welcome')!;
  assert.equal((v1Welcome['players'] as unknown[]).length, 203);
  assert.equal(v1Welcome['rosterRest'], undefined);
  v1.ws.close();

  // The full client: the whole roster, and a walking player streamed in is where the server has it.
  const watcher = fx.client('Watcher');
  await joined(watcher);
  assert.ok(fx.server.room.playerCount > WELCOME_PLAYERS * 3);
  await until(watcher, () => watcher.players.size === fx.server.room.playerCount, 'the watcher knows everyone', 8000);
  await sleep(500);
  const server = fx.server.room.world.bodies.get(walker.selfId!)!.body;
  const seen = watcher.players.get(walker.selfId!)!.info;
  assert.ok(Math.abs(seen.x - server.x) < 40 && Math.abs(seen.y - server.y) < 40, `walker at ${seen.x},${seen.y} on the watcher, ${server.x},${server.y} on the server`);
});

test('leave-and-rejoin cannot beat the chat rate: the bucket belongs to the account', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const listener = fx.client('Listener');
  await joined(listener);
  let token: string | undefined;
  let posted = 0;
  const t0 = performance.now();
  for (let round = 0; round < 20; round++) {
    const raw = await openRaw(fx.wsUrl);
    raw.ws.send(hello('Rejoiner', token ? { accountToken: token } : {}));
    const w = await raw.next((m) => m['t'] === 'welcome');
    token ??= w['accountToken'] as string;
    for (let i = 0; i < 5; i++) raw.ws.send(JSON.stringify({ t: 'chat', id: `r${round}-${i}`, text: `line ${round}.${i}` }));
    const last = `r${round}-4`;
    await raw.next((m) => (m['t'] === 'chat' && m['echo'] === last) || (m['t'] === 'chat_rejected' && m['id'] === last));
    posted += raw.messages.filter((m) => (m as Record<string, unknown>)['t'] === 'chat' && (m as Record<string, unknown>)['echo']).length;
    raw.ws.send(JSON.stringify({ t: 'leave' }));
    await raw.closed;
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`# leave-rejoin: ${posted} lines posted in ${seconds.toFixed(1)} s (burst 5, then 1/s)\n`);
  assert.ok(posted <= 5 + Math.ceil(seconds) + 1, `${posted} lines in ${seconds.toFixed(1)} s`);
});

test('name creation flood: new names from one address stop at the hourly cap; known names still join', async (t) => {
  const fx = await startFixture({ newProfilesPerAddressHour: 5 });
  t.after(() => fx.close());
  const known = fx.client('Known');
  await joined(known);
  const answers: string[] = [];
  for (let i = 0; i < 8; i++) {
    const raw = await openRaw(fx.wsUrl);
    raw.ws.send(hello(`Squat${i}`));
    const m = await raw.next((x) => x['t'] === 'welcome' || x['t'] === 'error');
    answers.push(m['t'] === 'welcome' ? 'welcome' : String(m['code']));
    if (m['t'] === 'error') assert.match(String(m['message']), /new names/);
    raw.ws.close();
  }
  // Known was the first of the five new names this hour.
  assert.deepEqual(answers, [...Array(4).fill('welcome'), ...Array(4).fill('too_many_new_names')]);
  const back = await openRaw(fx.wsUrl);
  back.ws.send(hello('Known', { accountToken: known.accountToken }));
  assert.equal((await back.next((m) => m['t'] === 'welcome' || m['t'] === 'error'))['t'], 'welcome', 'a known name is not a new profile');
});

test('look-alike names collide: Cyrillic and Greek twins of an existing name are taken; invisible names are refused', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const admin = fx.client('ADMIN');
  await joined(admin);
  const tryName = async (name: string) => {
    const raw = await openRaw(fx.wsUrl);
    raw.ws.send(hello(name));
    const m = await raw.next((x) => x['t'] === 'welcome' || x['t'] === 'error');
    raw.ws.close();
    return m['t'] === 'welcome' ? 'welcome' : String(m['code']);
  };
  for (const twin of ['АDМІN', 'ΑDΜΙΝ', 'AdMin', 'ADM1N']) assert.equal(await tryName(twin), 'name_taken', twin);
  for (const ghost of ['\u3164', '\uFE0F', '\u2800', '\u17B4\u17B4', 'a\u180B']) assert.equal(await tryName(ghost), 'name_invalid', JSON.stringify(ghost));
  assert.equal(await tryName('葬爱'), 'welcome');
  assert.equal(await tryName('🐉 dragon'), 'welcome');
});
