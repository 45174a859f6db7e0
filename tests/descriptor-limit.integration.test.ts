/**
 * A server process started under a low descriptor limit (ulimit -n 256), flooded with idle TCP
 * connections: it must stay up, keep its players playing, refuse what it cannot hold, close idle
 * connections by itself, and let a new player in afterwards. Under that limit the server holds
 * at most 192 connections (256 less the reserve of 64) and at most 16 + 8 from one address.
 *
 * Flood sockets come from other loopback addresses (127.0.0.2 and up) than the players
 * (127.0.0.1), as a flood from other machines would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { systemClock } from '../src/shared/system-clock.js';
import { DIR_RIGHT } from '../src/shared/movement.js';
import { joined, until } from './support/server-fixture.js';
import { poll, sleep } from './support/limits-helpers.js';

const TOKEN = 'descriptor-test-token-0123456789';

async function startLimitedServer(dir: string, nofile: number) {
  const cmd = `ulimit -n ${nofile} && exec "${process.execPath}" --import tsx src/server/main.ts --port 0 --db "${join(dir, 'db.sqlite')}" --public-dir "${join(dir, 'public')}" --log-level warn --headers-timeout-ms 2000 --admin-token ${TOKEN}`;
  const child = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = await poll(() => /Open http:\/\/[^\s/]+\//.test(out) || child.exitCode !== null, 20_000);
  const m = /Open (http:\/\/[^\s/]+)\//.exec(out);
  if (!started || !m) {
    child.kill('SIGKILL');
    throw new Error(`server did not start: ${out} ${err}`);
  }
  return { child, url: m[1]!, exited, stderr: () => err };
}

/** Idle connections from `addresses`, `perAddress` each; a closed one reconnects while `keep()` holds. */
function flood(port: number, addresses: string[], perAddress: number, keep: () => boolean) {
  const stats = { opened: 0, closedByServer: 0, sockets: new Set<Socket>() };
  const one = (localAddress: string) => {
    const s = connect({ host: '127.0.0.1', port, localAddress });
    stats.sockets.add(s);
    s.on('connect', () => stats.opened++);
    s.on('error', () => {});
    s.on('close', () => {
      stats.sockets.delete(s);
      stats.closedByServer++;
      if (keep()) setTimeout(() => one(localAddress), 50).unref();
    });
  };
  for (const a of addresses) for (let i = 0; i < perAddress; i++) one(a);
  return {
    stats,
    stop() {
      for (const s of stats.sockets) s.destroy();
    },
  };
}

function player(url: string, name: string): TetherClient {
  const c = new TetherClient({ url: url.replace('http:', 'ws:') + '/ws', transport: wsTransport, clock: systemClock, name, character: 0 });
  c.start();
  return c;
}

async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

test('under ulimit -n 256, idle connection floods are capped and timed out; the server stays up and players join during and after', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-nofile-'));
  mkdirSync(join(dir, 'public'));
  writeFileSync(join(dir, 'public', 'index.html'), '<!doctype html><title>Tether</title>');
  const server = await startLimitedServer(dir, 256);
  const clients: TetherClient[] = [];
  t.after(async () => {
    for (const c of clients) c.dispose();
    server.child.kill('SIGKILL');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });
  const port = Number(new URL(server.url).port);
  const veteran = player(server.url, 'Veteran');
  clients.push(veteran);
  await joined(veteran);
  let snapshots = 0;
  veteran.on('snapshot', () => snapshots++);

  // Phase A: 4 addresses, 40 tries each: each holds its 24, the rest are refused; room is left.
  let keepA = true;
  const a = flood(port, ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'], 40, () => keepA);
  await poll(() => a.stats.opened >= 160, 5000);
  const during = player(server.url, 'During');
  clients.push(during);
  await joined(during, 8000);
  keepA = false;
  a.stop();

  // Phase B: 40 addresses x 24 idle connections at once, more than the global cap, and never
  // let go by the attacker. Static files are asked for all along (an open() at the descriptor
  // limit is what used to kill the process).
  const addresses = Array.from({ length: 40 }, (_, i) => `127.0.1.${i + 1}`);
  const b = flood(port, addresses, 24, () => false);
  t.after(() => b.stop());
  let fetching = true;
  const statuses = new Map<string, number>();
  const fetcher = (async () => {
    while (fetching) {
      const r = await fetch(`${server.url}/index.html`, { signal: AbortSignal.timeout(3000) }).then((res) => String(res.status), (e: Error) => (e.cause as { code?: string } | undefined)?.code ?? e.name);
      statuses.set(r, (statuses.get(r) ?? 0) + 1);
      await sleep(50);
    }
  })();
  const snapshotsBefore = snapshots;
  const t0 = performance.now();
  await sleep(4000);
  const seconds = (performance.now() - t0) / 1000;
  const veteranRate = (snapshots - snapshotsBefore) / seconds;
  assert.equal(server.child.exitCode, null, `the server exited: ${server.stderr()}`);
  assert.ok(veteranRate >= 12, `the veteran kept playing: ${veteranRate.toFixed(1)} state updates/s during the flood`);
  assert.equal(veteran.status.kind, 'live');

  // The attacker still holds its end of every connection; the server has closed the idle ones
  // by itself, so a new player gets in and walks.
  const after = player(server.url, 'After');
  clients.push(after);
  await joined(after, 10_000);
  fetching = false;
  await fetcher;
  assert.ok(b.stats.closedByServer >= b.stats.opened, `the server closed idle connections: ${b.stats.closedByServer} of ${b.stats.opened}`);
  const x0 = after.predictor!.body.x;
  after.setHeldDirs(DIR_RIGHT);
  const walking = setInterval(() => after.advance(performance.now()), 10);
  t.after(() => clearInterval(walking));
  await until(veteran, () => (veteran.remotePosition(after.selfId!, performance.now())?.x ?? 0) > x0 + 20, 'the veteran sees the new player walk', 8000);
  assert.ok((statuses.get('200') ?? 0) > 0, `static files were served again: ${JSON.stringify(Object.fromEntries(statuses))}`);

  const refusedFull = await metric(server.url, 'tether_connections_refused_total{reason="server_full"}');
  const refusedAddr = await metric(server.url, 'tether_connections_refused_total{reason="address_full"}');
  const timedOut = await metric(server.url, 'tether_connections_refused_total{reason="first_request_timeout"}');
  assert.ok(refusedFull > 0, 'the global cap refused connections');
  assert.ok(refusedAddr > 0, 'the per-address cap refused connections');
  assert.ok(timedOut > 0, 'idle connections were closed by the server');
  process.stdout.write(`# flood: phase A held ${a.stats.opened} opened; phase B ${b.stats.opened} opened, ${b.stats.closedByServer} closed by the server, refused server_full ${refusedFull}, address_full ${refusedAddr}, idle-closed ${timedOut}; /index.html during B: ${JSON.stringify(Object.fromEntries(statuses))}; veteran ${veteranRate.toFixed(1)} updates/s\n`);
  assert.ok(!/uncaught|EMFILE/.test(server.stderr()), `no uncaught error: ${server.stderr().slice(-2000)}`);
});
