/**
 * The room without sockets: players are RecordingPorts (the game's own PlayerPort, recording
 * what it is sent), time is the manual clock, storage a real SQLite file in a temp dir.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '../../shared/close-codes.js';
import { PROTOCOL_VERSION, type Hello } from '../../shared/protocol.js';
import { SNAPSHOT_DELTA, SNAPSHOT_FULL } from '../../shared/snapshot-codec.js';
import { createMemoryLogger } from '../logger.js';
import { openSqliteStorage } from '../store/sqlite-store.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { RecordingPort } from '../../../tests/support/recording-port.js';
import { MAX_PASSWORD_TRIES, Room, type RoomOptions } from './room.js';

const RULES = { widthUnits: 800, heightUnits: 600, speedUnitsPerS: 100, tickRateHz: 20 };
const GRACE_MS = 30_000;

async function makeRoom(t: TestContext, overrides: Partial<RoomOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-room-'));
  const storage = openSqliteStorage({ path: join(dir, 'room.sqlite'), chatHistoryLimit: 100 });
  t.after(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new ManualClock();
  const logger = createMemoryLogger();
  const room = new Room({ rules: RULES, graceMs: GRACE_MS, password: '', chatMemoryLimit: 100, chatBurst: 5, chatPerSecond: 1, ...overrides }, storage, clock, logger, () => 0.5);
  await room.load();
  return { room, clock, logger, storage };
}

function hello(name: string, extra: Partial<Hello> = {}): Hello {
  return { t: 'hello', v: PROTOCOL_VERSION, name, character: 1, ...extra };
}

/** Joins a new port and returns it with its welcome. */
async function joinAs(room: Room, name: string, extra: Partial<Hello> = {}) {
  const port = new RecordingPort();
  await room.join(port, hello(name, extra));
  const welcome = port.last('welcome');
  assert.ok(welcome, `${name} was welcomed (got ${JSON.stringify(port.messages())})`);
  return { port, welcome };
}

/** Lets posted chat lines be delivered (posts resolve asynchronously). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a join is welcomed with the roster; everyone else hears "joined"', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  assert.equal(a.welcome.resumed, false);
  assert.ok(a.welcome.accountToken, 'a new name gets an account token');
  assert.deepEqual(a.welcome.players.map((p) => p.name), ['Ada']);
  const b = await joinAs(room, 'Bob');
  assert.deepEqual(b.welcome.players.map((p) => p.name).sort(), ['Ada', 'Bob']);
  assert.deepEqual(a.port.messages('joined').map((m) => m.player.name), ['Bob']);
  assert.equal(b.port.messages('joined').length, 0, 'nobody is told about themself');
  assert.equal(room.playerIdOf(b.port), b.welcome.you.id);
  assert.equal(room.playerCount, 2);
});

test('a second hello on the same connection is refused with already_joined', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  await room.join(a.port, hello('Ada'));
  assert.equal(a.port.last('error')?.code, 'already_joined');
  assert.equal(room.playerCount, 1);
});

test('a drop holds the seat: others see reconnecting, then live after the resume; the token rotates', async (t) => {
  const { room, clock } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  room.disconnected(a.port, false, 1006);
  assert.deepEqual(b.port.messages('presence').at(-1), { t: 'presence', id: a.welcome.you.id, state: 'reconnecting' });
  assert.equal(room.inGraceCount, 1);
  clock.advance(GRACE_MS - 1);
  const again = new RecordingPort();
  assert.equal(await room.tryResume(again, { resumeToken: a.welcome.resumeToken, lastChatSeq: 0 }), true);
  const w = again.last('welcome')!;
  assert.equal(w.resumed, true);
  assert.equal(w.you.id, a.welcome.you.id);
  assert.notEqual(w.resumeToken, a.welcome.resumeToken, 'a resume rotates the token');
  assert.deepEqual(b.port.messages('presence').at(-1), { t: 'presence', id: a.welcome.you.id, state: 'live' });
  assert.equal(room.inGraceCount, 0);
  // The grace period was cancelled by the resume: nothing happens when it would have ended.
  clock.advance(10);
  assert.equal(b.port.messages('left').length, 0);
  // The used token is spent.
  const thief = new RecordingPort();
  assert.equal(await room.tryResume(thief, { resumeToken: a.welcome.resumeToken, lastChatSeq: 0 }), false);
  assert.deepEqual(thief.messages(), [{ t: 'resume_failed', reason: 'unknown' }]);
});

test('grace expiry: the player leaves when the grace period ends, and its token stops working', async (t) => {
  const { room, clock } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  room.disconnected(a.port, false, 1006);
  clock.advance(GRACE_MS);
  assert.deepEqual(b.port.messages('left'), [{ t: 'left', id: a.welcome.you.id, reason: 'grace_expired' }]);
  assert.equal(room.playerCount, 1);
  const late = new RecordingPort();
  assert.equal(await room.tryResume(late, { resumeToken: a.welcome.resumeToken, lastChatSeq: 0 }), false);
});

test('a resume that finds the stale connection still open replaces it with 4016', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const again = new RecordingPort();
  assert.equal(await room.tryResume(again, { resumeToken: a.welcome.resumeToken, lastChatSeq: 0 }), true);
  assert.equal(a.port.closeCode, CloseCode.Replaced);
  // The stale connection's close reaches the room afterwards and changes nothing.
  room.disconnected(a.port, false, 1006);
  assert.equal(room.inGraceCount, 0);
  assert.equal(room.playerIdOf(again), a.welcome.you.id);
});

test('two connections racing with the same token: exactly one resumes', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  room.disconnected(a.port, false, 1006);
  const x = new RecordingPort();
  const y = new RecordingPort();
  const offer = { resumeToken: a.welcome.resumeToken, lastChatSeq: 0 };
  const results = await Promise.all([room.tryResume(x, offer), room.tryResume(y, offer)]);
  assert.deepEqual(results.sort(), [false, true]);
  assert.equal(room.playerCount, 1);
});

test('takeover: the same profile from another tab takes the seat; the first tab is closed with 4005', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  const tab2 = await joinAs(room, 'Ada', { accountToken: a.welcome.accountToken!, character: 3 });
  assert.equal(tab2.welcome.you.id, a.welcome.you.id);
  assert.equal(a.port.closeCode, CloseCode.TakenOver);
  assert.equal(room.playerIdOf(a.port), null, 'the old connection carries no one');
  assert.equal(b.port.messages('joined').at(-1)?.player.character, 3, 'others see the new look');
  // The first tab's token died with the takeover.
  assert.equal(await room.tryResume(new RecordingPort(), { resumeToken: a.welcome.resumeToken, lastChatSeq: 0 }), false);
  assert.equal(room.playerCount, 2);
});

test('a name held by another profile is refused; the wrong password closes after the allowed tries', async (t) => {
  const { room } = await makeRoom(t, { password: 'sesame' });
  const a = await joinAs(room, 'Ada', { password: 'sesame' });
  const impostor = new RecordingPort();
  await room.join(impostor, hello('ada', { password: 'sesame' }));
  assert.equal(impostor.last('error')?.code, 'name_taken');
  const guesser = new RecordingPort();
  for (let i = 1; i <= MAX_PASSWORD_TRIES; i++) {
    assert.equal(guesser.closed, false, `open before try ${i}`);
    await room.join(guesser, hello('Eve', { password: `guess${i}` }));
    assert.equal(guesser.last('error')?.code, 'bad_password');
  }
  assert.equal(guesser.closeCode, CloseCode.Unauthorized);
  assert.equal(room.playerCount, 1);
  assert.ok(a.welcome);
});

test('a connection that closes while its join waits for storage gets no seat', async (t) => {
  const { room } = await makeRoom(t);
  const port = new RecordingPort();
  const joining = room.join(port, hello('Ada'));
  room.disconnected(port, false, 1006);
  await joining;
  assert.equal(port.messages('welcome').length, 0);
  assert.equal(room.playerCount, 0);
});

test('chat: delivered to everyone once, the sender gets its echo; a resend is answered to the sender only', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  assert.equal(room.allowChat(a.port, 'c1'), true);
  room.say(a.port, 'c1', 'hello  world');
  await settle();
  const seen = b.port.messages('chat');
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.text, 'hello world', 'text rules applied');
  assert.equal(seen[0]!.echo, undefined);
  assert.equal(a.port.last('chat')?.echo, 'c1');
  room.say(a.port, 'c1', 'hello  world');
  await settle();
  assert.equal(b.port.messages('chat').length, 1, 'a resend is not posted again');
  assert.deepEqual([a.port.messages('chat').length, a.port.last('chat')?.seq], [2, seen[0]!.seq]);
  room.say(b.port, 'b1', '   ');
  assert.equal(b.port.last('chat_rejected')?.id, 'b1');
});

test('chat rate: a burst, then slow_down with a retry time, then allowed again as time passes', async (t) => {
  const { room, clock } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  for (let i = 0; i < 5; i++) assert.equal(room.allowChat(a.port, `m${i}`), true, `burst line ${i}`);
  assert.equal(room.allowChat(a.port, 'm5'), false);
  const refusal = a.port.last('chat_rejected')!;
  assert.equal(refusal.reason, 'slow_down');
  assert.equal(refusal.retryAfterMs, 1000);
  clock.advance(999);
  assert.equal(room.allowChat(a.port, 'm6'), false);
  clock.advance(1);
  assert.equal(room.allowChat(a.port, 'm7'), true);
});

test('chat missed while away is replayed after the seq the client holds, in order', async (t) => {
  const { room } = await makeRoom(t, { chatBurst: 100 });
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  room.say(b.port, 'b0', 'before');
  await settle();
  const held = a.port.last('chat')!.seq;
  room.disconnected(a.port, false, 1006);
  for (let i = 1; i <= 3; i++) room.say(b.port, `b${i}`, `missed ${i}`);
  await settle();
  const again = new RecordingPort();
  await room.tryResume(again, { resumeToken: a.welcome.resumeToken, lastChatSeq: held });
  // The replay is paced: it rides the next tick's state frame (drip-feed.ts).
  room.tick();
  assert.deepEqual(again.messages('chat').map((l) => l.text), ['missed 1', 'missed 2', 'missed 3']);
  assert.equal(again.messages()[0]!.t, 'welcome', 'the welcome comes first');
});

test('ticks: a full frame after the welcome, deltas after, and a full one again after a skipped frame', async (t) => {
  const { room } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  room.tick();
  room.tick();
  assert.deepEqual(a.port.states().map((s) => s.kind), [SNAPSHOT_FULL, SNAPSHOT_DELTA]);
  room.inputRuns(a.port, 1, [8, 3]);
  a.port.skipStates = true;
  room.tick();
  a.port.skipStates = false;
  room.tick();
  assert.equal(a.port.states().at(-1)!.kind, SNAPSHOT_FULL);
  assert.equal(room.broadcaster.stats.framesSkipped, 1);
  // The three inputs are applied one per tick (after the player's input playout delay).
  const acks = [a.port.states().at(-1)!.ackSeq];
  for (let i = 0; i < 10; i++) {
    room.tick();
    acks.push(a.port.states().at(-1)!.ackSeq);
  }
  assert.equal(acks.at(-1), 3, `acks ${acks.join(',')}`);
  for (let i = 1; i < acks.length; i++) assert.ok(acks[i]! - acks[i - 1]! <= 1 && acks[i]! >= acks[i - 1]!, `acks ${acks.join(',')}`);
});

test('leaving on purpose: others hear "left" at once and the position is kept for the next join', async (t) => {
  const { room, storage } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  room.inputRuns(a.port, 1, [8, 4]);
  for (let i = 0; i < 4; i++) room.tick();
  const x = room.world.bodies.get(a.welcome.you.id)!.body.x;
  room.leave(a.port);
  assert.equal(a.port.closeCode, CloseCode.Left);
  assert.deepEqual(b.port.messages('left'), [{ t: 'left', id: a.welcome.you.id, reason: 'closed' }]);
  await settle();
  const profile = await storage.profiles.findByNameKey('ada');
  assert.equal(profile?.x, x);
  assert.notEqual(x, a.welcome.you.x, 'the body moved');
});

test('shutdown: everyone is told to come back and closed with 4010; no grace period runs out afterwards', async (t) => {
  const { room, clock } = await makeRoom(t);
  const a = await joinAs(room, 'Ada');
  const b = await joinAs(room, 'Bob');
  room.disconnected(b.port, false, 1006);
  room.shutdown(1500);
  assert.deepEqual(a.port.last('restarting'), { t: 'restarting', retryAfterMs: 1500 });
  assert.equal(a.port.closeCode, CloseCode.ServerRestarting);
  assert.equal(clock.pending, 0, 'grace timers stopped');
});
