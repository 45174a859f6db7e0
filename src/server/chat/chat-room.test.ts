import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatRoom, REMEMBERED_CLIENT_IDS } from './chat-room.js';
import { openSqliteStorage } from '../store/sqlite-store.js';
import { createMemoryLogger } from '../logger.js';

test('chat survives a restart: seq continues, history replays, a resend is not posted twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-chat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'chat.sqlite');
  const first = openSqliteStorage({ path, chatHistoryLimit: 100 });
  const room1 = new ChatRoom(first.chat, 100, createMemoryLogger());
  await room1.load();
  const a = room1.post(1, 'A', 'id-1', 'hello', 1000);
  const b = room1.post(2, 'B', 'id-1', 'hi', 1001);
  assert.deepEqual([a.line.seq, b.line.seq, a.fresh, b.fresh], [1, 2, true, true]);
  assert.equal(room1.post(1, 'A', 'id-1', 'hello', 1002).fresh, false, 'same player, same id: a resend');
  await first.close();

  const second = openSqliteStorage({ path, chatHistoryLimit: 100 });
  t.after(() => second.close());
  const room2 = new ChatRoom(second.chat, 100, createMemoryLogger());
  await room2.load();
  assert.equal(room2.lastSeq, 2);
  assert.deepEqual(room2.after(0, 10).map((l) => l.text), ['hello', 'hi']);
  assert.deepEqual(room2.after(1, 10).map((l) => l.seq), [2]);
  const resend = room2.post(1, 'A', 'id-1', 'hello', 1003);
  assert.equal(resend.fresh, false, 'a resend after the restart is recognised');
  assert.equal(resend.line.seq, 1);
  assert.equal(room2.post(1, 'A', 'id-2', 'new', 1004).line.seq, 3);
});

test('a resend is recognised after the player left for good and rejoined, until 20,000 newer lines pushed it out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-chat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const storage = openSqliteStorage({ path: join(dir, 'chat.sqlite'), chatHistoryLimit: 100 });
  t.after(() => storage.close());
  const room = new ChatRoom(storage.chat, 100, createMemoryLogger());
  await room.load();
  const first = room.post(7, 'Away', 'line-1', 'are you there?', 1000);
  // Player 7's grace expires and others keep talking (more than the in-memory history holds).
  for (let i = 0; i < 500; i++) room.post(100 + (i % 50), 'Other', `o-${i}`, 'chatter', 2000 + i);
  const resend = room.post(7, 'Away', 'line-1', 'are you there?', 9000);
  assert.equal(resend.fresh, false, 'the rejoined player resending its unechoed line is not posted twice');
  assert.equal(resend.line.seq, first.line.seq);
  for (let i = 0; i < REMEMBERED_CLIENT_IDS; i++) room.post(200, 'Chatty', `c-${i}`, 'x', 10_000 + i);
  assert.equal(room.post(7, 'Away', 'line-1', 'are you there?', 99_999).fresh, true, 'memory is bounded');
});
