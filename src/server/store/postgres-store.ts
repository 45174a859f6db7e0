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
  type RekeyResult,
  type Storage,
  type StoredChatLine,
} from './store.js';
import { profileFromRow, type ProfileRow } from './profile-row.js';
import { planRekey } from './rekey-plan.js';

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
/**
 * A stored key no name folds to (names hold no control characters; PostgreSQL text cannot hold
 * U+0000, which the SQLite store uses): a profile shadowed after a rekey keeps a unique key.
 */
const SHADOW_MARK = '\u0001';

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
    async findById(id) {
      const { rows } = await pool.query<ProfileRow>('SELECT * FROM profiles WHERE id = $1', [id]);
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
    async touch(id) {
      await pool.query('UPDATE profiles SET updated_at = $1 WHERE id = $2', [Date.now(), id]);
    },
    async expireUnused(cutoffMs, keep) {
      const { rowCount } = await pool.query('DELETE FROM profiles WHERE updated_at < $1 AND NOT (id = ANY($2::int[]))', [cutoffMs, [...keep]]);
      return rowCount ?? 0;
    },
    async deleteByNameKey(nameKey) {
      const { rows } = await pool.query<ProfileRow>('DELETE FROM profiles WHERE name_key = $1 RETURNING *', [nameKey]);
      return rows[0] ? profileFromRow(rows[0]) : undefined;
    },
    async rekey(version, keyOf): Promise<RekeyResult> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // One node at a time (several may start together): the row lock on the version waits.
        await client.query("INSERT INTO meta (k, v) VALUES ('name_key_version', '') ON CONFLICT (k) DO NOTHING");
        const { rows: meta } = await client.query<{ v: string }>("SELECT v FROM meta WHERE k = 'name_key_version' FOR UPDATE");
        if (meta[0]?.v === String(version)) {
          await client.query('COMMIT');
          return { changed: 0, shadowed: [] };
        }
        const { rows } = await client.query<{ id: number; name: string; name_key: string }>('SELECT id, name, name_key FROM profiles ORDER BY created_at, id');
        // Every key moves out of the way first, so no interim state breaks the UNIQUE constraint.
        await client.query(`UPDATE profiles SET name_key = $1 || 'tmp' || id`, [SHADOW_MARK]);
        const { changed, shadowed, keys } = planRekey(rows, keyOf, SHADOW_MARK);
        for (const k of keys) await client.query('UPDATE profiles SET name_key = $1 WHERE id = $2', [k.key, k.id]);
        await client.query("UPDATE meta SET v = $1 WHERE k = 'name_key_version'", [String(version)]);
        await client.query('COMMIT');
        return { changed, shadowed };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };

  const chat: ChatStore = {
    async recent(world, limit) {
      const { rows } = await pool.query<{ seq: number; from_id: number; client_id: string; name: string; text: string; at_ms: number }>(
        'SELECT * FROM (SELECT seq, from_id, client_id, name, text, at_ms FROM chat WHERE world = $1 ORDER BY seq DESC LIMIT $2) AS newest ORDER BY seq ASC',
        [world, limit],
      );
      return rows.map((r) => ({ seq: r.seq, from: r.from_id, clientId: r.client_id, name: r.name, text: r.text, atMs: r.at_ms }));
    },
    async append(world, line: StoredChatLine) {
      await pool.query('INSERT INTO chat (world, seq, from_id, client_id, name, text, at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (world, seq) DO NOTHING', [
        world,
        line.seq,
        line.from,
        line.clientId,
        line.name,
        line.text,
        line.atMs,
      ]);
      if (line.seq % 100 === 0) await pool.query('DELETE FROM chat WHERE world = $1 AND seq <= $2', [world, line.seq - opts.chatHistoryLimit]);
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
