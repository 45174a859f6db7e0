/**
 * Fault isolation: an exception while handling one client's message closes that client (4015)
 * and is logged with context; an exception in a tick is logged and the loop goes on. Others keep
 * their state updates at the normal rate throughout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startFixture, joined, until } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { assertNormalRate, framesPass, poll, walk, watchRate } from './support/limits-helpers.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { DEFAULT_CONFIG } from '../src/server/config.js';
import { createMemoryLogger } from '../src/server/logger.js';
import { startTetherServer } from '../src/server/tether-server.js';
import { openSqliteStorage } from '../src/server/store/sqlite-store.js';
import type { Storage } from '../src/server/store/store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { systemClock } from '../src/shared/system-clock.js';

test('a storage method that throws for one join closes only that client with 4015', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-fault-'));
  const real = openSqliteStorage({ path: join(dir, 'db.sqlite'), chatHistoryLimit: 100 });
  const storage: Storage = {
    chat: real.chat,
    close: () => real.close(),
    profiles: {
      ...real.profiles,
      findByNameKey: (k) => real.profiles.findByNameKey(k),
      updateAppearance: (...a) => real.profiles.updateAppearance(...a),
      savePositions: (rows) => real.profiles.savePositions(rows),
      async create(p) {
        if (p.name === 'Boom') throw new Error('disk on fire');
        return real.profiles.create(p);
      },
    },
  };
  const logger = createMemoryLogger();
  const server = await startTetherServer({ ...DEFAULT_CONFIG, port: 0, dbPath: ':memory:', logLevel: 'silent' }, { storage, logger });
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const clients: TetherClient[] = [];
  t.after(async () => {
    for (const c of clients) c.dispose();
    await server.stop(0);
    rmSync(dir, { recursive: true, force: true });
  });
  for (const name of ['Calm', 'Steady']) {
    const c = new TetherClient({ url, transport: wsTransport, clock: systemClock, name, character: 0 });
    clients.push(c);
    c.start();
    await joined(c);
  }
  const stopWalking = walk(clients);
  t.after(stopWalking);
  const window = watchRate(clients, 20, () => server.room.world.tick);
  const boom = await openRaw(url);
  boom.ws.send(hello('Boom'));
  const closed = await boom.closed;
  assert.equal(closed.code, CloseCode.InternalError);
  assert.equal(closed.reason, 'internal error', 'no internals leak to the client');
  const line = logger.lines.find((l) => l.event === 'handler_failed');
  assert.ok(line, 'logged');
  assert.match(String(line['err']), /disk on fire/);
  assert.equal(typeof line['conn'], 'number', 'logged with the connection');
  // The same storage still works for everyone else.
  const fine = await openRaw(url);
  fine.ws.send(hello('Fine'));
  await fine.next((m) => m['t'] === 'welcome');
  fine.ws.close();
  await framesPass(clients, 10);
  stopWalking();
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
});

test('a handler that throws for one player closes that player only; a throwing tick is logged and the loop goes on', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const a = fx.client('Alpha');
  const b = fx.client('Beta');
  await joined(a);
  await joined(b);
  const stopWalking = walk([a, b]);
  t.after(stopWalking);
  const window = watchRate([a, b], 20, () => fx.server.room.world.tick);

  const victim = await openRaw(fx.wsUrl);
  victim.ws.send(hello('Cursed'));
  const welcome = await victim.next((m) => m['t'] === 'welcome');
  const cursedId = (welcome['you'] as { id: number }).id;
  const room = fx.server.room;
  const say = room.say.bind(room);
  room.say = (link, id, text) => {
    if (room.playerIdOf(link) === cursedId) throw new TypeError('bug in chat for this player');
    say(link, id, text);
  };
  victim.ws.send(JSON.stringify({ t: 'chat', id: 'x', text: 'hello?' }));
  const closed = await victim.closed;
  assert.equal(closed.code, CloseCode.InternalError);
  const failed = fx.logs.find((l) => l.event === 'handler_failed');
  assert.ok(failed && failed['player'] === cursedId && /bug in chat/.test(String(failed['err'])), 'logged with the player and stack');
  // Others still chat.
  a.say('still works');
  await until(b, () => b.chatLog.some((l) => l.text === 'still works'), 'chat still works');

  // One tick throws: logged, and the loop goes on.
  const world = room.world;
  const step = world.step.bind(world);
  let thrown = 0;
  world.step = () => {
    if (thrown++ === 0) throw new RangeError('tick exploded');
    step();
  };
  assert.ok(await poll(() => fx.logs.some((l) => l.event === 'tick_failed'), 2000), 'tick failure logged');
  const tickAfter = world.tick;
  assert.ok(await poll(() => world.tick >= tickAfter + 10, 2000), 'ticks continue');
  assert.match(String(fx.logs.find((l) => l.event === 'tick_failed')!['err']), /tick exploded/);
  await framesPass([a, b], 10);
  stopWalking();
  // One tick of 20 per second was lost to the injected failure; well within the margin.
  assertNormalRate(window.stop(), 0.15, 'well-behaved clients', 0.3);
  assert.equal(a.status.kind, 'live');
  assert.equal(b.status.kind, 'live');
});
