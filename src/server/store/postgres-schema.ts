/**
 * The PostgreSQL schema as an ordered list of migrations. Each runs once, in its own transaction,
 * and is recorded in schema_migrations; an advisory lock makes nodes that start together take
 * turns, so no migration runs twice. Never edit a migration that has shipped: add the next one.
 */
import type pg from 'pg';

const MIGRATIONS: readonly string[] = [
  // 1: what the SQLite store holds (store.ts): profiles and the room's chat history.
  `CREATE TABLE profiles (
     id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     name TEXT NOT NULL,
     name_key TEXT NOT NULL UNIQUE,
     character INTEGER NOT NULL,
     x DOUBLE PRECISION NOT NULL,
     y DOUBLE PRECISION NOT NULL,
     facing INTEGER NOT NULL DEFAULT 0,
     account_token_hash TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE TABLE chat (
     seq BIGINT PRIMARY KEY,
     from_id INTEGER NOT NULL,
     client_id TEXT NOT NULL DEFAULT '',
     name TEXT NOT NULL,
     text TEXT NOT NULL,
     at_ms BIGINT NOT NULL
   );`,
  // 2: the cluster (server/cluster): per-world fencing epochs, checkpoints and chat history.
  // world_epochs.epoch only ever grows; it is the fencing token every world write presents.
  `CREATE TABLE world_epochs (
     world TEXT PRIMARY KEY,
     epoch BIGINT NOT NULL,
     node_id TEXT NOT NULL,
     claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );
   CREATE TABLE world_checkpoints (
     world TEXT PRIMARY KEY,
     epoch BIGINT NOT NULL,
     tick BIGINT NOT NULL,
     at_ms BIGINT NOT NULL,
     bodies JSONB NOT NULL
   );
   CREATE TABLE world_chat (
     world TEXT NOT NULL,
     seq BIGINT NOT NULL,
     from_id INTEGER NOT NULL,
     client_id TEXT NOT NULL,
     name TEXT NOT NULL,
     text TEXT NOT NULL,
     at_ms BIGINT NOT NULL,
     PRIMARY KEY (world, seq)
   );`,
  // 3: profile expiry (profiles unused since updated_at) and the name-key version (rekey).
  `CREATE INDEX profiles_updated_at ON profiles (updated_at);
   CREATE TABLE meta (
     k TEXT PRIMARY KEY,
     v TEXT NOT NULL
   );`,
  // 4: worlds. The single room's chat becomes the default world's; seq counts per world.
  `ALTER TABLE chat ADD COLUMN world TEXT NOT NULL DEFAULT 'lobby';
   ALTER TABLE chat ALTER COLUMN world DROP DEFAULT;
   ALTER TABLE chat DROP CONSTRAINT chat_pkey;
   ALTER TABLE chat ADD PRIMARY KEY (world, seq);`,
  // 5: every cluster node's page origin, kept for good: a page served by a node that has since
  // died still opens its socket on the others (their Origin check allows these).
  `CREATE TABLE cluster_origins (
     origin TEXT PRIMARY KEY,
     node_id TEXT NOT NULL,
     seen_at TIMESTAMPTZ NOT NULL DEFAULT now()
   );`,
  // 6: a world's last checkpoint says whether its owner let it go on purpose (hand-over, empty,
  // stop). One that did not, written within a lease, means the owner may still be running it.
  `ALTER TABLE world_checkpoints ADD COLUMN released BOOLEAN NOT NULL DEFAULT false;`,
];

/** Any stable 64-bit number: the lock that serialises migrations across nodes. */
const MIGRATION_LOCK = 7_265_001;

export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v - 1]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v]);
    }
    await client.query('COMMIT');
    return MIGRATIONS.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
