/**
 * Test support: a fresh PostgreSQL database for one test run, on the machine's PostgreSQL
 * (127.0.0.1:5432, trust auth, user postgres, database `test`; TETHER_TEST_POSTGRES overrides the
 * admin URL). The database is named tether_test_<random> so parallel runs never share tables, and
 * is dropped at the end. An unreachable server fails the test with what to install, never a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ADMIN_POSTGRES_URL = process.env['TETHER_TEST_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  readonly name: string;
  /** Runs one statement on the fresh database (for resets and assertions). */
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export function serviceMissing(what: string, url: string, err: unknown): Error {
  const code = (err as { code?: string }).code ?? (err as Error).message;
  return new Error(
    `${what} is not answering at ${url} (${code}). These tests need a real ${what}: ` +
      `run \`bash .ci/start-services\` (it installs with apt-get install -y redis-server postgresql and starts them).`,
  );
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw serviceMissing('PostgreSQL', ADMIN_POSTGRES_URL, err);
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tether_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_POSTGRES_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  return {
    url: url.toString(),
    name,
    query: (sql, params) => pool.query(sql, params),
    async drop() {
      await pool.end();
      // FORCE: a store under test that was not closed must not keep the database alive.
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
