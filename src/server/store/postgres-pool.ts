/**
 * A node-postgres pool for Tether. BIGINT columns (epochs, sequence numbers, milliseconds) come
 * back as JS numbers instead of strings: every value Tether keeps stays far below 2^53. The pool
 * logs, rather than throws, errors of idle connections (a restarted server, a killed session), so
 * a database hiccup never crashes the process; the next query reconnects.
 */
import pg from 'pg';

const INT8_OID = 20;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function createPostgresPool(url: string, onIdleError: (err: Error) => void, max = 10): pg.Pool {
  // Idle connections are kept a minute (pg's default is 10 s): a cluster node writes every half
  // second, and closing and opening connections between bursts would cost more than keeping them.
  const pool = new pg.Pool({ connectionString: url, max, types: types as pg.CustomTypesConfig, connectionTimeoutMillis: 5000, idleTimeoutMillis: 60_000 });
  pool.on('error', onIdleError);
  return pool;
}
