/**
 * `npm run cluster -- --nodes 3`: a cluster on this machine, for trying it out. Builds the client
 * and the server (as `npm start` does), makes sure the PostgreSQL database exists, and starts N
 * nodes of the production server on consecutive ports against the local Redis and PostgreSQL,
 * each with its node id and public URL. Their logs go to this terminal with the node's name in
 * front. Ctrl-C stops them all; `kill -TERM` on one node's pid (printed) shows a drain, `kill -9`
 * a node's death.
 *
 *   npm run cluster -- [--nodes 3] [--port 5001] [--redis redis://127.0.0.1:6379]
 *                      [--postgres postgres://postgres@127.0.0.1:5432/tether_cluster] [-- more server flags]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildClient } from './build-client.js';
import { buildServer } from './build-server.js';

const { values, positionals } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    port: { type: 'string', default: '5001' },
    host: { type: 'string', default: '127.0.0.1' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/tether_cluster' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});
if (values.help) {
  process.stdout.write('Usage: npm run cluster -- [--nodes 3] [--port 5001] [--host 127.0.0.1] [--redis URL] [--postgres URL] [-- server flags]\n');
  process.exit(0);
}
const count = Number(values.nodes);
const basePort = Number(values.port);
if (!Number.isInteger(count) || count < 1 || count > 16) fail('--nodes must be 1-16');
if (!Number.isInteger(basePort) || basePort < 1 || basePort + count > 65535) fail('--port must leave room for every node');

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(2);
}

/** Creates the database if it is missing (connecting to the server's `postgres` database). */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) fail(`database name "${name}" must be letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (err) {
    fail(`PostgreSQL is not answering at ${admin.host} (${(err as Error).message}); start it, or run bash .ci/start-services`);
  }
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  await client.end();
}

await ensureDatabase(values.postgres);
await buildClient();
const main = await buildServer();
const children: ChildProcess[] = [];
for (let i = 0; i < count; i++) {
  const id = String.fromCharCode(97 + i);
  const port = basePort + i;
  const url = `http://${values.host}:${port}`;
  const child = spawn(
    process.execPath,
    [main, '--redis', values.redis, '--postgres', values.postgres, '--node-id', id, '--host', values.host, '--port', String(port), '--public-url', url, ...positionals],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const prefix = `[${id}] `;
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        process.stdout.write(prefix + buf.slice(0, nl) + '\n');
        buf = buf.slice(nl + 1);
      }
    });
  }
  child.on('exit', (code, signal) => process.stdout.write(`${prefix}exited (${signal ?? code})\n`));
  process.stdout.write(`node ${id}: ${url}/  (pid ${child.pid})\n`);
}
process.stdout.write(`\n${count} nodes. Open any of them in two tabs; a player is moved to the node that runs its world.\n\n`);
let stopping = false;
const stopAll = () => {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(0), 8000).unref();
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
process.exit(0);
