import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, joined, until } from './support/server-fixture.js';
import { DIR_RIGHT } from '../src/shared/movement.js';

test('two headless clients join, see each other, move, chat and leave', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const a = fx.client('葬爱·3F9A', { character: 2 });
  await joined(a);
  const b = fx.client('Alice', { character: 5 });
  await joined(b);
  await until(a, () => a.players.has(b.selfId!), 'A sees B');
  assert.equal(a.players.get(b.selfId!)!.info.name, 'Alice');
  assert.equal(b.players.get(a.selfId!)!.info.name, '葬爱·3F9A');
  assert.equal(b.players.get(a.selfId!)!.info.character, 2);

  const startX = b.players.get(a.selfId!)!.info.x;
  a.setHeldDirs(DIR_RIGHT);
  const timer = setInterval(() => a.advance(performance.now()), 10);
  await until(b, () => b.players.get(a.selfId!)!.info.x > startX + 30, 'B sees A walk right');
  clearInterval(timer);
  a.setHeldDirs(0);

  const sent = a.say('你好, world');
  assert.ok(sent.ok);
  await until(b, () => b.chatLog.some((l) => l.text === '你好, world'), 'B gets the chat');
  await until(a, () => a.outbox.size === 0, 'A chat acknowledged');
  assert.equal(b.chatLog.find((l) => l.text === '你好, world')!.from, a.selfId);

  a.leave();
  await until(b, () => !b.players.has(a.selfId ?? -1), 'A gone from B');
});
