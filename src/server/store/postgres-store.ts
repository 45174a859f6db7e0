/**
 * Storage on PostgreSQL (node-postgres), for cluster nodes that share one database. Same contract
 * as the SQLite store (store.ts; both pass tests/support/storage-conformance.ts): an identity
 * column so a player id is never handed out twice, the unique name key as the arbiter of who
 * holds a name, chat history trimmed to a bound. Positions of one flush go in one statement.
 */
import type pg from 'pg';
import { createPostgresPool } from './postgres-pool.js';
import { migratePostgres } from './postgres-schema.js';
import {
  NameTakenError,
  type ChatStore,
  type NewProfile,
  type ProfileRecord,
  type ProfileStore,
  type Storage,
  type StoredChatLine,
} from './store.js';
import { profileFromRow, type ProfileRow } from './profile-row.js';

export interface PostgresStorageOptions {
  readonly url: string;
  /** Chat lines kept in the database. */
  readonly chatHistoryLimit: number;
  /** Errors of idle connections; they do not fail any call. */
  readonly onIdleError?: (err: Error) => void;
}

export interface PostgresStorage extends Storage {
  /** The pool, for the cluster's tables in the same database (server/cluster). */
  readonly pool: pg.Pool;
}


const UNIQUE_VIOLATION = '23505';

export async function openPostgresStorage(opts: PostgresStorageOptions): Promise<PostgresStorage> {
  const pool = createPostgresPool(opts.url, opts.onIdleError ?? (() => {}));
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }

  const profiles: ProfileStore = {
    async findByNameKey(nameKey) {
      const { rows } = await pool.query<ProfileRow>('SELECT * FROM profiles WHERE name_key = $1', [nameKey]);
      return rows[0] ? profileFromRow(rows[0]) : undefined;
    },
    async create(p: NewProfile): Promise<ProfileRecord> {
      const now = Date.now();
      try {
        const { rows } = await pool.query<{ id: number }>(
          'INSERT INTO profiles (name, name_key, character, x, y, facing, account_token_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $7) RETURNING id',
          [p.name, p.nameKey, p.character, p.x, p.y, p.accountTokenHash, now],
        );
        return { ...p, id: rows[0]!.id, facing: 0 };
      } catch (err) {
        if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new NameTakenError(p.name);
        throw err;
      }
    },
    async updateAppearance(id, name, character) {
      await pool.query('UPDATE profiles SET name = $1, character = $2, updated_at = $3 WHERE id = $4', [name, character, Date.now(), id]);
    },
    async savePositions(rows) {
      if (rows.length === 0) return;
      await pool.query(
        `UPDATE profiles AS p SET x = v.x, y = v.y, facing = v.facing, updated_at = $5
         FROM unnest($1::int[], $2::float8[], $3::float8[], $4::int[]) AS v(id, x, y, facing)
         WHERE p.id = v.id`,
        [rows.map((r) => r.id), rows.map((r) => r.x), rows.map((r) => r.y), rows.map((r) => r.facing), Date.now()],
      );
    },
  };

  const chat: ChatStore = {
    async recent(limit) {
      const { rows } = await pool.query<{ seq: number; from_id: number; client_id: string; name: string; text: string; at_ms: number }>(
        'SELECT * FROM (SELECT * FROM chat ORDER BY seq DESC LIMIT $1) AS newest ORDER BY seq ASC',
        [limit],
      );
      return rows.map((r) => ({ seq: r.seq, from: r.from_id, clientId: r.client_id, name: r.name, text: r.text, atMs: r.at_ms }));
    },
    async append(line: StoredChatLine) {
      await pool.query('INSERT INTO chat (seq, from_id, client_id, name, text, at_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING', [
        line.seq,
        line.from,
        line.clientId,
        line.name,
        line.text,
        line.atMs,
      ]);
      if (line.seq % 100 === 0) await pool.query('DELETE FROM chat WHERE seq <= $1', [line.seq - opts.chatHistoryLimit]);
    },
  };

  return {
    pool,
    profiles,
    chat,
    async close() {
      await pool.end();
    },
  };
}
