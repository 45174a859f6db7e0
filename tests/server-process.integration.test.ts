/**
 * The real server process, started the way `npm start` does (without the client build): graceful
 * shutdown on SIGTERM, what an abrupt SIGKILL loses, and bad command lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { systemClock } from '../src/shared/system-clock.js';
import { DIR_DOWN, DIR_RIGHT } from '../src/shared/movement.js';
import { CloseCode } from '../src/shared/close-codes.js';
import { joined, until } from './support/server-fixture.js';
import { hello, openRaw } from './support/raw-socket.js';
import { sleep } from './support/limits-helpers.js';

interface Proc {
  child: ChildProcess;
  url: string;
  wsUrl: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
}

async function startServerProcess(args: string[]): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', '0', '--log-level', 'info', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() })));
  const t0 = performance.now();
  let m: RegExpExecArray | null = null;
  while (!(m = /Open (http:\/\/[^\s/]+)\//.exec(out)) && performance.now() - t0 < 20_000 && child.exitCode === null) await sleep(20);
  if (!m) {
    child.kill('SIGKILL');
    throw new Error(`server did not start: ${out} ${err}`);
  }
  const url = m[1]!;
  return { child, url, wsUrl: url.replace('http:', 'ws:') + '/ws', stderr: () => err, exited };
}

function client(p: Proc, name: string, character = 0): TetherClient {
  const c = new TetherClient({ url: p.wsUrl, transport: wsTransport, clock: systemClock, name, character });
  c.start();
  return c;
}

function driveFor(clients: TetherClient[], dirs: number): () => void {
  for (const c of clients) c.setHeldDirs(dirs);
  const t = setInterval(() => {
    for (const c of clients) c.advance(performance.now());
  }, 10);
  return () => {
    clearInterval(t);
    for (const c of clients) c.setHeldDirs(0);
  };
}

test('SIGTERM: clients are told the server is restarting, the process exits 0 within seconds, profiles, positions and chat are saved', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-proc-'));
  const db = join(dir, 'tether.sqlite');
  const p = await startServerProcess(['--db', db]);
  t.after(() => {
    p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const a = client(p, '关机测试', 2);
  const b = client(p, 'Walker', 3);
  t.after(() => {
    a.dispose();
    b.dispose();
  });
  await joined(a);
  await joined(b);
  const observer = await openRaw(p.wsUrl);
  observer.ws.send(hello('Observer'));
  await observer.next((m) => m['t'] === 'welcome');
  const stop = driveFor([a, b], DIR_RIGHT | DIR_DOWN);
  await sleep(1200);
  stop();
  a.say('saved before shutdown');
  await until(b, () => b.chatLog.some((l) => l.text === 'saved before shutdown'), 'chat delivered');
  await sleep(300);
  const aId = a.selfId!;
  const bId = b.selfId!;
  const seenA = b.players.get(aId)!.info;
  const seenB = a.players.get(bId)!.info;

  const sentAt = performance.now();
  p.child.kill('SIGTERM');
  const restarting = await observer.next((m) => m['t'] === 'restarting', 3000);
  assert.ok(Number(restarting['retryAfterMs']) >= 0);
  const closed = await observer.closed;
  assert.equal(closed.code, CloseCode.ServerRestarting);
  const exit = await p.exited;
  assert.equal(exit.code, 0, p.stderr());
  assert.ok(exit.atMs - sentAt < 5000, `exited after ${Math.round(exit.atMs - sentAt)} ms`);

  const sql = new Database(db, { readonly: true });
  t.after(() => sql.close());
  const rows = sql.prepare('SELECT id, name, character, x, y FROM profiles ORDER BY id').all() as Array<{ id: number; name: string; character: number; x: number; y: number }>;
  assert.deepEqual(rows.map((r) => r.name).sort(), ['Observer', 'Walker', '关机测试'].sort());
  const ra = rows.find((r) => r.id === aId)!;
  const rb = rows.find((r) => r.id === bId)!;
  assert.equal(ra.character, 2);
  assert.ok(Math.abs(ra.x - seenA.x) < 1 && Math.abs(ra.y - seenA.y) < 1, `A saved at ${ra.x},${ra.y}, last seen at ${seenA.x},${seenA.y}`);
  assert.ok(Math.abs(rb.x - seenB.x) < 1 && Math.abs(rb.y - seenB.y) < 1, `B saved at ${rb.x},${rb.y}, last seen at ${seenB.x},${seenB.y}`);
  const chat = sql.prepare("SELECT name, text FROM world_chat WHERE world = 'lobby'").all() as Array<{ name: string; text: string }>;
  assert.ok(chat.some((l) => l.text === 'saved before shutdown' && l.name === '关机测试'));
  assert.match(p.stderr(), /SIGTERM: saving/);
});

test('SIGKILL: at most the last ~2 s of positions are lost, never a profile', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tether-proc-'));
  const db = join(dir, 'tether.sqlite');
  const p = await startServerProcess(['--db', db]);
  t.after(() => {
    p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const walker = client(p, 'Runner');
  const watcher = client(p, 'Watcher');
  t.after(() => {
    walker.dispose();
    watcher.dispose();
  });
  await joined(walker);
  await joined(watcher);
  const id = walker.selfId!;
  await until(watcher, () => watcher.players.has(id), 'the watcher sees the walker');
  const start = { ...watcher.players.get(id)!.info };
  const stop = driveFor([walker], DIR_RIGHT);
  await sleep(3000);
  // A profile created a moment before the kill must survive too.
  const late = await openRaw(p.wsUrl);
  late.ws.send(hello('LastMinute'));
  await late.next((m) => m['t'] === 'welcome');
  const atKill = { ...watcher.players.get(id)!.info };
  p.child.kill('SIGKILL');
  stop();
  await p.exited;

  const sql = new Database(db, { readonly: true });
  t.after(() => sql.close());
  const names = (sql.prepare('SELECT name FROM profiles').all() as Array<{ name: string }>).map((r) => r.name).sort();
  assert.deepEqual(names, ['LastMinute', 'Runner', 'Watcher']);
  const saved = sql.prepare('SELECT x, y FROM profiles WHERE id = ?').get(id) as { x: number; y: number };
  const speed = 120;
  assert.ok(saved.x > start.x, `a periodic flush saved some of the walk (start ${start.x}, saved ${saved.x})`);
  const lostUnits = atKill.x - saved.x;
  assert.ok(lostUnits <= speed * 2.5, `lost ${lostUnits} units (${(lostUnits / speed).toFixed(2)} s of walking) to the kill`);
});

async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

test('bad command lines: one clear line, a non-zero exit, no stack trace', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const busyPort = (busy.address() as { port: number }).port;
  try {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--bogus'], {}, /^tether: Unknown option '--bogus' \(try --help\)$/],
      [['--port', 'abc'], {}, /^tether: port must be a whole number from 0 to 65535, got "abc" \(try --help\)$/],
      [['--port', '99999'], {}, /^tether: port must be a whole number/],
      [['stray'], {}, /^tether: Unexpected argument 'stray'/],
      [[], { PORT: '-1' }, /^tether: port must be a whole number/],
      [['--tick-rate', '0'], {}, /^tether: tick rate must be/],
      [['--port', String(busyPort), '--db', ':memory:', '--log-level', 'silent'], {}, new RegExp(`^tether: cannot start: port ${busyPort} on 127.0.0.1 is already in use \\(try --port\\)$`)],
    ];
    for (const [args, env, expected] of cases) {
      const r = await runCli(args, env);
      const what = `${args.join(' ')} ${JSON.stringify(env)}`;
      assert.notEqual(r.code, 0, what);
      assert.ok(r.code !== null, `${what}: exited by itself`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
      assert.match(lines[0]!, expected, what);
      assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, `${what}: no stack trace`);
    }
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: npm start/);
  } finally {
    busy.close();
  }
});
