/**
 * Storage on embedded SQLite (better-sqlite3). WAL mode so position flushes don't block readers;
 * AUTOINCREMENT so a player id is never handed out twice, even after deletes or restarts.
 * Chat history is trimmed to a bound so the file cannot grow without limit.
 */
import type { Clock } from '../../shared/clock.js';
import { systemClock } from '../../shared/system-clock.js';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  NameTakenError,
  type ChatStore,
  type NewProfile,
  type ProfileRecord,
  type ProfileStore,
  type RekeyResult,
  type SavedPosition,
  type Storage,
  type StoredChatLine,
} from './store.js';
import { profileFromRow, type ProfileRow } from './profile-row.js';
import { planRekey } from './rekey-plan.js';
import { DEFAULT_WORLD } from '../../shared/world-names.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS profiles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  character INTEGER NOT NULL,
  x REAL NOT NULL,
  y REAL NOT NULL,
  facing INTEGER NOT NULL DEFAULT 0,
  account_token_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS world_chat (
  world TEXT NOT NULL,
  seq INTEGER NOT NULL,
  from_id INTEGER NOT NULL,
  client_id TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (world, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  k TEXT PRIMARY KEY,
  v TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS profiles_updated_at ON profiles (updated_at);
`;

/**
 * A stored key no name folds to (names hold no control characters): a profile shadowed by an
 * older one with the same key after a rekey keeps a unique key without blocking anyone.
 */
const SHADOW_MARK = '\u0000';

export interface SqliteStorageOptions {
  /** A file path, or ':memory:'. */
  readonly path: string;
  /** Chat lines kept in the database. */
  readonly chatHistoryLimit: number;
  /** Where the rows' created/updated times come from (default: the system clock). */
  readonly clock?: Pick<Clock, 'wallMs'>;
}

export function openSqliteStorage(opts: SqliteStorageOptions): Storage {
  if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });
  const clock = opts.clock ?? systemClock;
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  // Files from before worlds (one room, table `chat`): that chat is the default world's.
  const oldChat = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chat'").get();
  if (oldChat) {
    db.transaction(() => {
      db.prepare('INSERT OR IGNORE INTO world_chat (world, seq, from_id, client_id, name, text, at_ms) SELECT ?, seq, from_id, client_id, name, text, at_ms FROM chat').run(DEFAULT_WORLD);
      db.exec('DROP TABLE chat');
    })();
  }

  const byKey = db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE name_key = ?');
  const byId = db.prepare<[number], ProfileRow>('SELECT * FROM profiles WHERE id = ?');
  const insert = db.prepare(
    'INSERT INTO profiles (name, name_key, character, x, y, facing, account_token_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)',
  );
  const appearance = db.prepare('UPDATE profiles SET name = ?, character = ?, updated_at = ? WHERE id = ?');
  const position = db.prepare('UPDATE profiles SET x = ?, y = ?, facing = ?, updated_at = ? WHERE id = ?');
  const savePositions = db.transaction((rows: readonly SavedPosition[], at: number) => {
    for (const p of rows) position.run(p.x, p.y, p.facing, at, p.id);
  });
  const touch = db.prepare('UPDATE profiles SET updated_at = ? WHERE id = ?');
  const expiredIds = db.prepare<[number], { id: number }>('SELECT id FROM profiles WHERE updated_at < ?');
  const deleteById = db.prepare('DELETE FROM profiles WHERE id = ?');
  const deleteIds = db.transaction((ids: readonly number[]) => {
    for (const id of ids) deleteById.run(id);
  });
  const metaGet = db.prepare<[string], { v: string }>('SELECT v FROM meta WHERE k = ?');
  const metaSet = db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  const allNames = db.prepare<[], { id: number; name: string; name_key: string }>('SELECT id, name, name_key FROM profiles ORDER BY created_at, id');
  const setKey = db.prepare('UPDATE profiles SET name_key = ? WHERE id = ?');
  const rekey = db.transaction((version: number, keyOf: (name: string) => string): RekeyResult => {
    const rows = allNames.all();
    // Every key moves out of the way first, so no interim state breaks the UNIQUE constraint.
    for (const r of rows) setKey.run(`${SHADOW_MARK}tmp${r.id}`, r.id);
    const { changed, shadowed, keys } = planRekey(rows, keyOf, SHADOW_MARK);
    for (const k of keys) setKey.run(k.key, k.id);
    metaSet.run('name_key_version', String(version));
    return { changed, shadowed };
  });
  const chatInsert = db.prepare('INSERT OR IGNORE INTO world_chat (world, seq, from_id, client_id, name, text, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const chatTrim = db.prepare('DELETE FROM world_chat WHERE world = ? AND seq <= ?');
  const chatRecent = db.prepare<[string, number], { seq: number; from_id: number; client_id: string; name: string; text: string; at_ms: number }>(
    'SELECT * FROM (SELECT * FROM world_chat WHERE world = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq ASC',
  );

  const profiles: ProfileStore = {
    async findByNameKey(nameKey) {
      const row = byKey.get(nameKey);
      return row ? profileFromRow(row) : undefined;
    },
    async findById(id) {
      const row = byId.get(id);
      return row ? profileFromRow(row) : undefined;
    },
    async create(p: NewProfile): Promise<ProfileRecord> {
      const now = clock.wallMs();
      try {
        const info = insert.run(p.name, p.nameKey, p.character, p.x, p.y, p.accountTokenHash, now, now);
        return { ...p, id: Number(info.lastInsertRowid), facing: 0 };
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new NameTakenError(p.name);
        throw err;
      }
    },
    async updateAppearance(id, name, character) {
      appearance.run(name, character, clock.wallMs(), id);
    },
    async savePositions(rows) {
      if (rows.length > 0) savePositions(rows, clock.wallMs());
    },
    async touch(id) {
      touch.run(clock.wallMs(), id);
    },
    async expireUnused(cutoffMs, keep) {
      const ids = expiredIds.all(cutoffMs).map((r) => r.id).filter((id) => !keep.has(id));
      deleteIds(ids);
      return ids.length;
    },
    async deleteByNameKey(nameKey) {
      const row = byKey.get(nameKey);
      if (!row) return undefined;
      deleteById.run(row.id);
      return profileFromRow(row);
    },
    async rekey(version, keyOf) {
      if (metaGet.get('name_key_version')?.v === String(version)) return { changed: 0, shadowed: [] };
      return rekey(version, keyOf);
    },
  };

  const chat: ChatStore = {
    async recent(world, limit) {
      return chatRecent.all(world, limit).map((r) => ({ seq: r.seq, from: r.from_id, clientId: r.client_id, name: r.name, text: r.text, atMs: r.at_ms }));
    },
    async append(world, line: StoredChatLine) {
      chatInsert.run(world, line.seq, line.from, line.clientId, line.name, line.text, line.atMs);
      if (line.seq % 100 === 0) chatTrim.run(world, line.seq - opts.chatHistoryLimit);
    },
  };

  return {
    profiles,
    chat,
    async close() {
      db.close();
    },
  };
}
