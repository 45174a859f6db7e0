import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatRoom } from './chat-room.js';
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
