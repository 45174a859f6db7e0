/**
 * Every server limit, tripped on purpose. Each test checks the offender's outcome (close code and
 * reason, or the error / chat_rejected it is told) and that well-behaved players in the same world
 * kept receiving state at the normal rate meanwhile: tickRate x seconds within 15 % (generous for
 * a shared machine), counted over the whole window of the offence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, joined, until, type Fixture } from './support/server-fixture.js';
import { hello, openRaw, type RawSocket } from './support/raw-socket.js';
import { assertNormalRate, framesPass, poll, sleep, walk, watchRate } from './support/limits-helpers.js';
import { pollUntil } from './support/poll.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { CHAT_MAX_CHARS, MAX_FRAME_BYTES } from '../src/shared/limits.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../src/shared/movement.js';
import { SUBPROTOCOL } from '../src/shared/protocol.js';
import { subprotocolsFor } from '../src/shared/resume-offer.js';
import { MAX_QUEUED_INPUTS } from '../src/server/game/world.js';
import type { TetherClient } from '../src/client/core/tether-client.js';

/** Two bystanders that join and walk; returns them and a function that stops their walking. */
async function bystanders(fx: Fixture, n = 2, extra: Parameters<Fixture['client']>[1] = {}): Promise<{ clients: TetherClient[]; stop: () => void }> {
  const clients = Array.from({ length: n }, (_, i) => fx.client(`Bystander${i}`, extra));
  for (const c of clients) await joined(c);
  return { clients, stop: walk(clients) };
}

async function rawPlayer(fx: Fixture, name: string, extra: Record<string, unknown> = {}): Promise<RawSocket & { id: number }> {
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello(name, extra));
  const welcome = await raw.next((m) => m['t'] === 'welcome');
  return Object.assign(raw, { id: (welcome['you'] as { id: number }).id });
}

function rejections(fx: Fixture, code: number): Array<Record<string, unknown>> {
  return fx.logs.filter((l) => l.event === 'rejected' && l['code'] === code);
}

const TICK = 20;

test('frame size: a frame over 4096 bytes closes with 1009 and is logged; 4096 bytes is still read', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const big = await rawPlayer(fx, 'Big');
  big.ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
  const closed = await big.closed;
  assert.equal(closed.code, 1009);
  assert.match(closed.reason, /frame too large: 4097 bytes, the limit is 4096/);
  assert.equal(rejections(fx, 1009).length, 1, 'logged');
  // A frame far over the limit is cut by ws while it is still arriving (never buffered whole).
  const huge = await rawPlayer(fx, 'Huge');
  huge.ws.send('x'.repeat(1024 * 1024));
  assert.equal((await huge.closed).code, 1009);
  assert.ok(fx.logs.some((l) => l.event === 'socket_error' && l['code'] === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'), 'logged');
  // At exactly the limit the frame is read and judged on its content (here: not JSON).
  const edge = await rawPlayer(fx, 'Edge');
  edge.ws.send('x'.repeat(MAX_FRAME_BYTES));
  assert.equal((await edge.closed).code, CloseCode.ProtocolViolation);
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('message flood: more than 200 messages in a second closes with 4007, logged once, nothing after the limit handled', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const flooder = await rawPlayer(fx, 'Flooder');
  for (let i = 0; i < 1000; i++) flooder.ws.send(JSON.stringify({ t: 'ping', id: i, ct: 0 }));
  const closed = await flooder.closed;
  assert.equal(closed.code, CloseCode.Flood);
  assert.match(closed.reason, /flood: more than 200 messages per second/);
  const pongs = flooder.messages.filter((m) => (m as { t: string }).t === 'pong').length;
  assert.ok(pongs <= 200, `${pongs} pings answered`);
  assert.equal(rejections(fx, CloseCode.Flood).length, 1, 'one log line per offence, not per frame');
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('input overflow: inputs beyond the queue bound are dropped, not applied; movement stays at the speed limit', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const p = await rawPlayer(fx, 'Burst');
  const world = fx.server.room.world;
  const x0 = world.bodies.get(p.id)!.body.x;
  const tick0 = world.tick;
  for (let seq = 1; seq <= 150; seq++) p.ws.send(JSON.stringify({ t: 'input', seq, dirs: DIR_RIGHT }));
  await poll(() => world.bodies.get(p.id)!.ackSeq === 150 && world.tick >= tick0 + 20, 10_000);
  const step = fx.config.rules.speedUnitsPerS / fx.config.rules.tickRateHz;
  const moved = world.bodies.get(p.id)!.body.x - x0;
  const ticks = world.tick - tick0;
  assert.ok(world.droppedInputs >= 100, `${world.droppedInputs} inputs dropped`);
  assert.ok(moved > 0, 'the queued inputs were applied');
  // All 150 arrived within a few ticks: only the last MAX_QUEUED_INPUTS (plus those applied while
  // the burst was arriving) can have moved the body, never 150 steps (150 inputs + hello stay under the flood limit).
  // Each input that was not dropped moved the body one step at most; dropped ones not at all.
  const applied = 150 - world.droppedInputs;
  assert.ok(applied <= MAX_QUEUED_INPUTS + ticks, `${applied} inputs applied`);
  assert.ok(moved <= step * applied + 1e-9, `moved ${moved} units from ${applied} applied inputs (150 sent, ${world.droppedInputs} dropped)`);
  assert.ok(moved <= step * ticks + 1e-9, `moved ${moved} units in ${ticks} ticks`);
  assert.ok(fx.logs.some((l) => l.event === 'input_dropped' && l['player'] === p.id), 'logged');
  assert.equal(world.bodies.get(p.id)!.ackSeq, 150, 'the newest input is the one acknowledged');
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('chat rate: a burst beyond 5 gets a visible slow_down with retryAfterMs; others see only the allowed lines', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const p = await rawPlayer(fx, 'Chatty');
  for (let i = 0; i < 8; i++) p.ws.send(JSON.stringify({ t: 'chat', id: `c${i}`, text: `line ${i}` }));
  await p.next((m) => m['t'] === 'chat_rejected' && m['id'] === 'c7');
  const rejected = p.messages.filter((m) => (m as { t: string }).t === 'chat_rejected') as Array<Record<string, unknown>>;
  assert.equal(rejected.length, 3);
  for (const r of rejected) {
    assert.equal(r['reason'], 'slow_down');
    assert.ok(typeof r['retryAfterMs'] === 'number' && r['retryAfterMs'] > 0 && r['retryAfterMs'] <= 1000, `retryAfterMs ${r['retryAfterMs']}`);
  }
  await until(clients[0]!, () => clients[0]!.chatLog.filter((l) => l.from === p.id).length === 5, 'bystander sees the 5 allowed lines');
  assert.equal(fx.logs.filter((l) => l.event === 'chat_rate_limited').length, 3);
  // After the advised wait the sender may speak again.
  await sleep(Number(rejected[0]!['retryAfterMs']) + 50);
  p.ws.send(JSON.stringify({ t: 'chat', id: 'later', text: 'patient now' }));
  await p.next((m) => m['t'] === 'chat' && m['echo'] === 'later');
  await until(clients[0]!, () => clients[0]!.chatLog.filter((l) => l.from === p.id).length === 6, 'bystander sees the sixth line');
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('chat length: 200 characters pass, 201 are too_long, blank is empty, an oversized field is a protocol violation; invisible characters are stripped', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  fx.server.room.chatRate = { burst: 100, perSecond: 100 };
  const p = await rawPlayer(fx, 'Talker');
  const send = (id: string, text: string) => p.ws.send(JSON.stringify({ t: 'chat', id, text }));
  send('ok', '葬'.repeat(CHAT_MAX_CHARS));
  send('long', '葬'.repeat(CHAT_MAX_CHARS + 1));
  send('blank', ' \t\u200B ');
  send('bidi', 'abc\u202Edef\u0000g');
  assert.equal((await p.next((m) => m['id'] === 'long' && m['t'] === 'chat_rejected'))['reason'], 'too_long');
  assert.equal((await p.next((m) => m['id'] === 'blank' && m['t'] === 'chat_rejected'))['reason'], 'empty');
  await p.next((m) => m['t'] === 'chat' && m['echo'] === 'ok');
  const bidi = await p.next((m) => m['t'] === 'chat' && m['echo'] === 'bidi');
  assert.equal(bidi['text'], 'abcdef g', 'the override is removed, the control becomes a space');
  assert.ok(fx.logs.some((l) => l.event === 'chat_rejected' && l['reason'] === 'too_long'), 'logged');
  send('huge', 'x'.repeat(CHAT_MAX_CHARS * 4 + 1));
  const closed = await p.closed;
  assert.equal(closed.code, CloseCode.ProtocolViolation);
  assert.match(closed.reason, /chat: text/);
  await until(clients[0]!, () => clients[0]!.chatLog.some((l) => l.text === '葬'.repeat(CHAT_MAX_CHARS)), 'bystander got the 200-character line');
  assert.ok(!clients[0]!.chatLog.some((l) => l.text.length > CHAT_MAX_CHARS));
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('names: normalised; control, zero-width and bidi refused; a look-alike of an online name refused', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const alice = fx.client('Alice');
  await joined(alice);
  await until(clients[0]!, () => clients[0]!.players.has(alice.selfId!), 'a bystander sees Alice');

  const tryName = async (name: string): Promise<Record<string, unknown>> => {
    const raw = await openRaw(fx.wsUrl);
    raw.ws.send(hello(name));
    const answer = await raw.next((m) => m['t'] === 'welcome' || m['t'] === 'error');
    raw.ws.close();
    return answer;
  };
  // Normalisation: NFC, trimmed, inner runs of spaces folded.
  const nfc = await tryName('  Jose\u0301   Luis  ');
  assert.equal(nfc['t'], 'welcome');
  assert.equal((nfc['you'] as { name: string }).name, 'José Luis');
  const emoji = await tryName('👩‍💻 Dev');
  assert.equal(emoji['t'], 'welcome', 'a zero-width joiner inside an emoji is fine');

  for (const [name, reason] of [
    ['a\u0007b', /control/],
    ['a\u200Bb', /invisible/],
    ['a\u2066b', /direction/],
    ['a\u202Eb', /direction/],
    ['a\uFEFFb', /invisible/],
    ['a\u2028b', /control|invisible/],
    ['a\tb', /control|ordinary spaces/],
    ['x'.repeat(17), /at most 16/],
  ] as const) {
    const r = await tryName(name);
    assert.equal(r['code'], 'name_invalid', JSON.stringify(name));
    assert.match(String(r['message']), reason, JSON.stringify(name));
  }
  // Look-alikes of the online "Alice": case, Cyrillic А, digit 1, fullwidth, combining mark.
  for (const fake of ['ALICE', 'alice', '\u0410lice', 'A1ice', 'Al\u0456ce', 'Ａｌｉｃｅ', 'Ali\u0301ce']) {
    const r = await tryName(fake);
    assert.equal(r['code'], 'name_taken', `${JSON.stringify(fake)} should collide with Alice`);
  }
  assert.ok(fx.logs.some((l) => l.event === 'join_refused' && l['reason'] === 'name_taken'), 'logged');
  // Nobody but the real Alice carries the name.
  assert.equal([...clients[0]!.players.values()].filter((p) => p.info.name.toLowerCase().includes('lice')).length, 1);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('connections per address (loopback too): the one over the limit is refused with 429 and logged', async (t) => {
  const fx = await startFixture({ maxConnectionsPerAddress: 4 });
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx, 1);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const extra: RawSocket[] = [];
  for (let i = 0; i < 3; i++) extra.push(await openRaw(fx.wsUrl));
  await assert.rejects(openRaw(fx.wsUrl), /upgrade refused: 429/);
  assert.ok(fx.logs.some((l) => l.event === 'upgrade_refused' && l['reason'] === 'too_many_connections'), 'logged');
  // A freed slot can be used again.
  extra[0]!.ws.close();
  await extra[0]!.closed;
  await poll(() => fx.server.gateway.links.size === 3, 2000);
  const again = await openRaw(fx.wsUrl);
  again.ws.close();
  for (const r of extra) r.ws.close();
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('hello timeout: a connection that never joins is closed with 4004, even one that keeps sending bad hellos', async (t) => {
  const fx = await startFixture({ helloTimeoutMs: 1000 });
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const t0 = performance.now();
  const silent = await openRaw(fx.wsUrl);
  const chatterbox = await openRaw(fx.wsUrl);
  const bad = setInterval(() => chatterbox.ws.readyState === 1 && chatterbox.ws.send(hello('')), 100);
  const [a, b] = await Promise.all([silent.closed, chatterbox.closed]);
  clearInterval(bad);
  const ms = performance.now() - t0;
  for (const c of [a, b]) {
    assert.equal(c.code, CloseCode.HelloTimeout);
    assert.match(c.reason, /no hello/);
  }
  assert.ok(ms >= 900 && ms < 2500, `closed after ${Math.round(ms)} ms`);
  assert.equal(rejections(fx, CloseCode.HelloTimeout).length, 2, 'logged');
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('origin: a foreign page is refused with 403; the same origin, an allow-listed one and non-browser clients are let in', async (t) => {
  const fx = await startFixture({ allowedOrigins: ['https://play.example'] });
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], { Origin: 'http://evil.example' }), /upgrade refused: 403/);
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], { Origin: `http://127.0.0.1:${fx.server.port}.evil.example` }), /upgrade refused: 403/);
  await assert.rejects(openRaw(fx.wsUrl, [SUBPROTOCOL], { Origin: 'null' }), /upgrade refused: 403/);
  assert.ok(fx.logs.some((l) => l.event === 'upgrade_refused' && l['reason'] === 'origin'), 'logged');
  for (const origin of [`http://127.0.0.1:${fx.server.port}`, 'https://play.example']) {
    const ok = await openRaw(fx.wsUrl, [SUBPROTOCOL], { Origin: origin });
    ok.ws.send(hello(`O${origin.length}`));
    await ok.next((m) => m['t'] === 'welcome');
    ok.ws.close();
  }
  const noOrigin = await openRaw(fx.wsUrl);
  noOrigin.ws.close();
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('password: missing or wrong is refused with bad_password, three wrong tries close with 4013; the right one joins', async (t) => {
  const fx = await startFixture({ password: 'open sesame' });
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx, 2, { password: 'open sesame' });
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const raw = await openRaw(fx.wsUrl);
  raw.ws.send(hello('Guesser'));
  assert.equal((await raw.next((m) => m['t'] === 'error'))['code'], 'bad_password');
  // (Each try waits for its answer: a hello while the previous one is still being handled is
  // answered `already_joined`.)
  raw.ws.send(hello('Guesser', { password: 'open sesam' }));
  await raw.next((m) => raw.messages.filter((x) => (x as { code?: string }).code === 'bad_password').length === 2);
  raw.ws.send(hello('Guesser', { password: 'OPEN SESAME' }));
  const closed = await raw.closed;
  assert.equal(closed.code, CloseCode.Unauthorized);
  assert.match(closed.reason, /wrong password/);
  assert.equal(raw.messages.filter((m) => (m as { code?: string }).code === 'bad_password').length, 3);
  assert.ok(!raw.messages.some((m) => (m as { t: string }).t === 'welcome'));
  // Logged once per burst (password-attempts.ts), not once per try.
  assert.equal(fx.logs.filter((l) => l.event === 'password_guessing').length, 1);
  const good = await rawPlayer(fx, 'Friend', { password: 'open sesame' });
  assert.ok(good.id > 0);
  good.ws.close();
  await framesPass(clients, 10);
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('fair play: no speeding, no teleport, no moving or speaking as someone else (forged fields are ignored)', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const victim = await rawPlayer(fx, 'Victim');
  const cheat = await rawPlayer(fx, 'Cheat');
  const world = fx.server.room.world;
  const v0 = { ...world.bodies.get(victim.id)!.body };
  const c0 = { ...world.bodies.get(cheat.id)!.body };
  const tick0 = world.tick;
  const t0 = performance.now();
  // Three times the tick rate, every direction, with forged position and target fields.
  let seq = 0;
  const forge = setInterval(() => {
    for (const dirs of [DIR_RIGHT | DIR_DOWN, DIR_UP | DIR_DOWN | DIR_LEFT | DIR_RIGHT, DIR_RIGHT]) {
      cheat.ws.send(JSON.stringify({ t: 'input', seq: ++seq, dirs, x: 999, y: 999, id: victim.id, player: victim.id, speed: 1e9 }));
    }
    cheat.ws.send(JSON.stringify({ t: 'inputs', first: ++seq, dirs: [DIR_RIGHT, DIR_RIGHT, DIR_RIGHT, DIR_RIGHT, DIR_RIGHT, DIR_RIGHT, DIR_RIGHT, DIR_RIGHT], id: victim.id }));
    seq += 7;
  }, 50);
  await sleep(2000);
  clearInterval(forge);
  await pollUntil(() => world.bodies.get(cheat.id)!.queue.length === 0, 'the forged inputs applied or dropped');
  const ticks = world.tick - tick0;
  const c1 = world.bodies.get(cheat.id)!.body;
  const dist = Math.hypot(c1.x - c0.x, c1.y - c0.y);
  const limit = (fx.config.rules.speedUnitsPerS * ticks) / fx.config.rules.tickRateHz;
  assert.ok(dist <= limit + 0.01, `moved ${dist.toFixed(1)} units in ${ticks} ticks (limit ${limit})`);
  assert.ok(c1.x < 999 && c1.y < 999, 'no teleport');
  const v1 = world.bodies.get(victim.id)!.body;
  assert.deepEqual([v1.x, v1.y], [v0.x, v0.y], 'the victim did not move');
  assert.ok((performance.now() - t0) / 1000 * fx.config.rules.speedUnitsPerS + 1 >= dist);
  // A message type that would set a position does not exist.
  cheat.ws.send(JSON.stringify({ t: 'move', x: 10, y: 10 }));
  assert.equal((await cheat.closed).code, CloseCode.UnknownMessage);
  // Speaking as someone else: there is no `from` on the way in; forged fields are dropped.
  victim.ws.send(JSON.stringify({ t: 'chat', id: 'x1', text: 'I am the victim', from: 999, name: 'Bystander0', seq: 1 }));
  await until(clients[0]!, () => clients[0]!.chatLog.some((l) => l.text === 'I am the victim'), 'chat arrives');
  const line = clients[0]!.chatLog.find((l) => l.text === 'I am the victim')!;
  assert.equal(line.from, victim.id);
  assert.equal(line.name, 'Victim');
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test("resume: another player's session cannot be taken with a guessed, used or expired token", async (t) => {
  const fx = await startFixture({ graceMs: 1500 });
  t.after(() => fx.close());
  const { clients, stop } = await bystanders(fx);
  t.after(stop);
  const window = watchRate(clients, TICK, () => fx.server.room.world.tick);
  const offerRaw = (token: string) => openRaw(fx.wsUrl, subprotocolsFor({ resumeToken: token, lastChatSeq: 0 }));

  // A guessed token (right shape) is refused.
  const guess = await offerRaw('A'.repeat(32));
  assert.equal((await guess.next((m) => m['t'] === 'resume_failed'))['reason'], 'unknown');
  guess.ws.close();

  // The victim's token works once: after a resume it is rotated and the old one is dead.
  const victim = await openRaw(fx.wsUrl);
  victim.ws.send(hello('Owner'));
  const w1 = await victim.next((m) => m['t'] === 'welcome');
  const token1 = String(w1['resumeToken']);
  victim.ws.terminate();
  const back = await offerRaw(token1);
  const w2 = await back.next((m) => m['t'] === 'welcome');
  assert.equal(w2['resumed'], true);
  assert.notEqual(w2['resumeToken'], token1, 'rotated');
  const replay = await offerRaw(token1);
  assert.equal((await replay.next((m) => m['t'] === 'resume_failed'))['reason'], 'unknown');
  assert.equal(replay.messages.filter((m) => (m as { t: string }).t === 'welcome').length, 0);
  replay.ws.close();
  assert.ok(fx.logs.some((l) => l.event === 'resume_refused'), 'logged');
  // A refused resume does not disturb the owner's live connection.
  assert.equal(back.ws.readyState, back.ws.OPEN);

  // After the grace period the (current) token is dead too.
  const token2 = String(w2['resumeToken']);
  back.ws.terminate();
  const ownerId = Number((w1['you'] as { id: number }).id);
  await pollUntil(() => fx.logs.some((l) => l.event === 'leave' && l['player'] === ownerId && l['reason'] === 'grace_expired'), 'the owner\'s grace period ended', fx.config.graceMs + 5000);
  const late = await offerRaw(token2);
  assert.equal((await late.next((m) => m['t'] === 'resume_failed'))['reason'], 'unknown');
  late.ws.close();
  stop();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});
