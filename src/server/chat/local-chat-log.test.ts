import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalChatLog, REMEMBERED_CLIENT_IDS } from './local-chat-log.js';
import { openSqliteStorage } from '../store/sqlite-store.js';
import { createMemoryLogger } from '../logger.js';

test('chat survives a restart: seq continues, history replays, a resend is not posted twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-chat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'chat.sqlite');
  const first = openSqliteStorage({ path, chatHistoryLimit: 100 });
  const log1 = new LocalChatLog(first.chat, 'lobby', 100, createMemoryLogger());
  await log1.load();
  const a = await log1.post({ from: 1, name: 'A', clientId: 'id-1', text: 'hello', atMs: 1000 });
  const b = await log1.post({ from: 2, name: 'B', clientId: 'id-1', text: 'hi', atMs: 1001 });
  assert.deepEqual([a.line.seq, b.line.seq, a.fresh, b.fresh], [1, 2, true, true]);
  assert.equal((await log1.post({ from: 1, name: 'A', clientId: 'id-1', text: 'hello', atMs: 1002 })).fresh, false, 'same player, same id: a resend');
  await first.close();

  const second = openSqliteStorage({ path, chatHistoryLimit: 100 });
  t.after(() => second.close());
  const log2 = new LocalChatLog(second.chat, 'lobby', 100, createMemoryLogger());
  await log2.load();
  assert.equal(log2.lastSeq, 2);
  assert.deepEqual(log2.after(0, 10).map((l) => l.text), ['hello', 'hi']);
  assert.deepEqual(log2.after(1, 10).map((l) => l.seq), [2]);
  const resend = await log2.post({ from: 1, name: 'A', clientId: 'id-1', text: 'hello', atMs: 1003 });
  assert.equal(resend.fresh, false, 'a resend after the restart is recognised');
  assert.equal(resend.line.seq, 1);
  assert.equal((await log2.post({ from: 1, name: 'A', clientId: 'id-2', text: 'new', atMs: 1004 })).line.seq, 3);
});

test('a resend is recognised after the player left for good and rejoined, until 20,000 newer lines pushed it out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-chat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const storage = openSqliteStorage({ path: join(dir, 'chat.sqlite'), chatHistoryLimit: 100 });
  t.after(() => storage.close());
  const log = new LocalChatLog(storage.chat, 'lobby', 100, createMemoryLogger());
  await log.load();
  const first = await log.post({ from: 7, name: 'Away', clientId: 'line-1', text: 'are you there?', atMs: 1000 });
  // Player 7's grace expires and others keep talking (more than the in-memory history holds).
  for (let i = 0; i < 500; i++) await log.post({ from: 100 + (i % 50), name: 'Other', clientId: `o-${i}`, text: 'chatter', atMs: 2000 + i });
  const resend = await log.post({ from: 7, name: 'Away', clientId: 'line-1', text: 'are you there?', atMs: 9000 });
  assert.equal(resend.fresh, false, 'the rejoined player resending its unechoed line is not posted twice');
  assert.equal(resend.line.seq, first.line.seq);
  for (let i = 0; i < REMEMBERED_CLIENT_IDS; i++) await log.post({ from: 200, name: 'Chatty', clientId: `c-${i}`, text: 'x', atMs: 10_000 + i });
  assert.equal((await log.post({ from: 7, name: 'Away', clientId: 'line-1', text: 'are you there?', atMs: 99_999 })).fresh, true, 'memory is bounded');
});
