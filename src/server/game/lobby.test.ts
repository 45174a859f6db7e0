/**
 * The lobby and single-process worlds without sockets: quick joins fill the configured worlds in
 * order and then open overflow worlds; invite links open named worlds up to the cap; a profile
 * is in one world at a time; a resume finds its world; chat is per world; worlds opened on demand
 * close once empty for long enough.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode } from '../../shared/close-codes.js';
import { PROTOCOL_VERSION, type Hello } from '../../shared/protocol.js';
import { DEFAULT_RULES } from '../../shared/world-rules.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { RecordingPort } from '../../../tests/support/recording-port.js';
import { createMemoryLogger } from '../logger.js';
import { LocalSessionRegistry } from '../sessions/local-session-registry.js';
import { openSqliteStorage } from '../store/sqlite-store.js';
import { Lobby } from './lobby.js';
import { LocalPlacement, type WorldSpec } from './local-placement.js';
import { PasswordAttempts } from './password-attempts.js';
import { Room } from './room.js';

const EMPTY_CLOSE_MS = 60_000;

async function makeLobby(t: TestContext, configured: WorldSpec[] = [{ name: 'lobby', capacity: 2 }], maxWorlds = 4) {
  const dir = mkdtempSync(join(tmpdir(), 'tether-lobby-'));
  const storage = openSqliteStorage({ path: join(dir, 'lobby.sqlite'), chatHistoryLimit: 100 });
  const clock = new ManualClock();
  const logger = createMemoryLogger();
  const sessions = new LocalSessionRegistry(clock);
  const passwordAttempts = new PasswordAttempts(logger, clock);
  t.after(async () => {
    passwordAttempts.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const openRoom = async (spec: WorldSpec) => {
    const room = new Room(
      { world: spec.name, rules: DEFAULT_RULES, graceMs: 30_000, password: '', chatMemoryLimit: 100, chatBurst: 5, chatPerSecond: 1, maxPlayers: spec.capacity },
      storage,
      clock,
      logger,
      () => 0.5,
      { sessions, passwordAttempts },
    );
    await room.load();
    return room;
  };
  const placement = new LocalPlacement({ configured, capacity: 2, maxWorlds, emptyCloseMs: EMPTY_CLOSE_MS }, openRoom, sessions, clock, logger);
  await placement.start();
  return { lobby: new Lobby(placement, logger), placement, clock };
}

function hello(name: string, extra: Partial<Hello> = {}): Hello {
  return { t: 'hello', v: PROTOCOL_VERSION, name, character: 1, ...extra };
}

async function joinAs(lobby: Lobby, name: string, extra: Partial<Hello> = {}) {
  const port = new RecordingPort('192.0.2.1', '192.0.2.1', 3);
  await lobby.join(port, hello(name, extra));
  const welcome = port.last('welcome');
  return { port, welcome };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('quick joins fill the configured worlds in order, then open overflow worlds; the list says how full each is', async (t) => {
  const { lobby, placement } = await makeLobby(t, [
    { name: 'lobby', capacity: 2 },
    { name: 'forest', capacity: 1 },
  ]);
  const worlds: string[] = [];
  for (const name of ['A', 'B', 'C', 'D', 'E']) worlds.push((await joinAs(lobby, name)).welcome!.world!);
  assert.deepEqual(worlds, ['lobby', 'lobby', 'forest', 'lobby-2', 'lobby-2']);
  assert.deepEqual(await placement.list(), [
    { name: 'lobby', players: 2, capacity: 2 },
    { name: 'forest', players: 1, capacity: 1 },
    { name: 'lobby-2', players: 2, capacity: 2 },
  ]);
  assert.equal((await joinAs(lobby, 'F')).welcome!.world, 'lobby-3');
  assert.equal(lobby.playerCount, 6);
});

test('a named world: full is refused; a new name opens that world, up to the cap of worlds', async (t) => {
  const { lobby } = await makeLobby(t, [{ name: 'lobby', capacity: 1 }], 2);
  await joinAs(lobby, 'A', { world: 'lobby' });
  const full = await joinAs(lobby, 'B', { world: 'lobby' });
  assert.equal(full.port.last('error')?.code, 'world_full');
  const invited = await joinAs(lobby, 'C', { world: 'friends' });
  assert.equal(invited.welcome?.world, 'friends');
  const tooMany = await joinAs(lobby, 'D', { world: 'strangers' });
  assert.equal(tooMany.port.last('error')?.code, 'world_unavailable');
  assert.match(tooMany.port.last('error')!.message, /2 worlds already/);
  // The refused connection may still pick a world that exists.
  await lobby.join(full.port, hello('B', { world: 'friends' }));
  assert.equal(full.port.last('welcome')?.world, 'friends');
});

test('a profile is in one world at a time: joining another world takes its body out of the first', async (t) => {
  const { lobby, placement } = await makeLobby(t, [{ name: 'lobby', capacity: 10 }]);
  const ann = await joinAs(lobby, 'Ann');
  const bob = await joinAs(lobby, 'Bob');
  const annId = ann.welcome!.you.id;
  const again = await joinAs(lobby, 'Ann', { world: 'pond', accountToken: ann.welcome!.accountToken! });
  assert.equal(again.welcome?.world, 'pond');
  assert.equal(again.welcome?.you.id, annId, 'the same player');
  assert.equal(ann.port.closeCode, CloseCode.TakenOver);
  assert.equal(placement.rooms.get('lobby')!.has(annId), false);
  lobby.tick();
  assert.ok(bob.port.messages('left').some((m) => m.id === annId), 'the others in the first world see it leave');
  // Its session is the new world's: a resume with the new token works, into the pond.
  const resumed = new RecordingPort('192.0.2.1', '192.0.2.1', 3);
  lobby.disconnected(again.port, false, 1006);
  await lobby.tryResume(resumed, { resumeToken: again.welcome!.resumeToken, lastChatSeq: 0 });
  assert.equal(resumed.last('welcome')?.resumed, true);
  assert.equal(resumed.last('welcome')?.world, 'pond');
});

test('a resume token finds its world; an unknown one is refused', async (t) => {
  const { lobby } = await makeLobby(t, [{ name: 'lobby', capacity: 10 }]);
  const ann = await joinAs(lobby, 'Ann', { world: 'garden' });
  lobby.disconnected(ann.port, false, 1006);
  const back = new RecordingPort('192.0.2.1', '192.0.2.1', 3);
  await lobby.tryResume(back, { resumeToken: ann.welcome!.resumeToken, lastChatSeq: 0 });
  assert.equal(back.last('welcome')?.world, 'garden');
  assert.equal(back.last('welcome')?.resumed, true);
  const stranger = new RecordingPort('192.0.2.1', '192.0.2.1', 3);
  await lobby.tryResume(stranger, { resumeToken: 'x'.repeat(32), lastChatSeq: 0 });
  assert.equal(stranger.last('resume_failed')?.reason, 'unknown');
});

test('chat is per world, numbered per world', async (t) => {
  const { lobby } = await makeLobby(t, [{ name: 'lobby', capacity: 10 }]);
  const ann = await joinAs(lobby, 'Ann');
  const bob = await joinAs(lobby, 'Bob');
  const cat = await joinAs(lobby, 'Cat', { world: 'garden' });
  assert.ok(lobby.allowChat(ann.port, 'a1'));
  lobby.say(ann.port, 'a1', 'in the lobby');
  assert.ok(lobby.allowChat(cat.port, 'c1'));
  lobby.say(cat.port, 'c1', 'in the garden');
  await settle();
  lobby.tick();
  assert.deepEqual(bob.port.messages('chat').map((l) => [l.seq, l.text]), [[1, 'in the lobby']]);
  assert.deepEqual(cat.port.messages('chat').map((l) => [l.seq, l.text]), [[1, 'in the garden']]);
});

test('worlds opened on demand close after staying empty; configured worlds stay', async (t) => {
  const { lobby, placement, clock } = await makeLobby(t, [{ name: 'lobby', capacity: 10 }]);
  const ann = await joinAs(lobby, 'Ann', { world: 'garden' });
  lobby.leave(ann.port);
  placement.closeIdle();
  clock.advance(EMPTY_CLOSE_MS - 1);
  placement.closeIdle();
  assert.ok(placement.rooms.has('garden'), 'not yet');
  clock.advance(1);
  placement.closeIdle();
  assert.deepEqual([...placement.rooms.keys()], ['lobby']);
  // It opens again when asked, with its chat history from storage.
  assert.equal((await joinAs(lobby, 'Bob', { world: 'garden' })).welcome?.world, 'garden');
});
