import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { DEFAULT_WORLD } from '../../shared/world-names.js';
import { storageConformance } from '../../../tests/support/storage-conformance.js';
import { openSqliteStorage } from './sqlite-store.js';

describe('SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-store-'));
  let file = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));
  storageConformance({
    async open(chatHistoryLimit) {
      return openSqliteStorage({ path: join(dir, `db-${file}.sqlite`), chatHistoryLimit });
    },
    async reset() {
      file++;
    },
  });
});

test('a file from before worlds keeps its chat, as the default world\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-store-old-'));
  try {
    const path = join(dir, 'old.sqlite');
    const old = new Database(path);
    old.exec("CREATE TABLE chat (seq INTEGER PRIMARY KEY, from_id INTEGER NOT NULL, client_id TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, text TEXT NOT NULL, at_ms INTEGER NOT NULL)");
    old.prepare('INSERT INTO chat VALUES (?, ?, ?, ?, ?, ?)').run(41, 7, 'c-1', 'Ann', 'from the old days', 1000);
    old.close();
    const s = openSqliteStorage({ path, chatHistoryLimit: 100 });
    assert.deepEqual(await s.chat.recent(DEFAULT_WORLD, 10), [{ seq: 41, from: 7, clientId: 'c-1', name: 'Ann', text: 'from the old days', atMs: 1000 }]);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
