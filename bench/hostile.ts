/**
 * bench:hostile — does an honest player keep playing while one hostile client attacks?
 *
 * Three processes: the server (a child, this file with --serve: the real server with production
 * limits, `--limit-loopback` so the attacker's loopback address counts like any other, and a
 * room that already holds 500 of the largest chat lines), the attacker (a child, this file with
 * --attack NAME), and this process: an honest player (the full headless client, walking) that
 * records the interval between its state updates. For each attack: the honest player's interval
 * p99 over a quiet window before and over the attack, the server's CPU over the attack (% of one
 * core), what the attacker achieved, and a verdict against the 80 ms target.
 *
 * Attacks talk only to the loopback server, are bounded in count and time (--seconds each) and
 * stop by themselves. Writes bench-results/hostile.json.
 *
 *   npm run bench:hostile [-- --seconds 8 --only replay,ghosts]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { percentile, round } from './support/percentile.js';
import { PROTOCOL_VERSION, SUBPROTOCOL } from '../src/shared/protocol.js';

const { values: flags } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    attack: { type: 'string' },
    url: { type: 'string' },
    db: { type: 'string' },
    password: { type: 'string' },
    token: { type: 'string' },
    seconds: { type: 'string', default: '8' },
    only: { type: 'string' },
  },
});
const SECONDS = Number(flags.seconds);
const TARGET_P99_MS = 80;
const PASSWORD = 'honest-secret';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- child: the server ------------------------------------------------------------------------

async function serve(): Promise<void> {
  const { DEFAULT_CONFIG } = await import('../src/server/config.js');
  const { startTetherServer } = await import('../src/server/tether-server.js');
  const { createLogger } = await import('../src/server/logger.js');
  const { openSqliteStorage } = await import('../src/server/store/sqlite-store.js');
  // A busy room: 500 lines of the largest kind in the history before anyone attacks (written to
  // the store the room loads its chat window from).
  const seed = openSqliteStorage({ path: flags.db!, chatHistoryLimit: DEFAULT_CONFIG.chatHistoryLimit });
  const line = '\u{1F600}'.repeat(200);
  for (let i = 0; i < 500; i++) await seed.chat.append('lobby', { seq: i + 1, from: 1_000_000 + (i % 50), name: `Regular${i % 50}`, clientId: `pre-${i}`, text: line, atMs: Date.now() });
  await seed.close();
  const server = await startTetherServer(
    { ...DEFAULT_CONFIG, port: 0, dbPath: flags.db!, logLevel: 'error', password: flags.password ?? '' },
    { logger: createLogger('error') },
  );
  process.stdout.write(`URL ${server.url}\n`);
  let last = process.cpuUsage();
  let lastAt = performance.now();
  setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(last);
    last = process.cpuUsage();
    const stats = {
      atMs: Math.round(now),
      cpuPct: round(((cpu.user + cpu.system) / 1000 / (now - lastAt)) * 100),
      players: server.room.playerCount,
      inGrace: server.room.inGraceCount,
      links: server.gateway.links.size,
      rssMB: round(process.memoryUsage().rss / 1048576),
    };
    lastAt = now;
    process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
  }, 250);
  process.on('SIGTERM', () => void server.stop(0).then(() => process.exit(0)));
}

// ---- child: the attacker ----------------------------------------------------------------------

type AttackResult = Record<string, number | string>;

function ws(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const s = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false });
    s.on('error', () => {});
    s.once('open', () => resolve(s));
    s.once('error', reject);
    s.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused ${res.statusCode}`)));
  });
}

function hello(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, name, character: 0, ...extra });
}

/** The first welcome or error on a socket. */
function answer(s: WebSocket, ms = 3000): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ t: 'timeout' }), ms);
    const on = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (m['t'] === 'welcome' || m['t'] === 'error') {
        clearTimeout(timer);
        s.off('message', on);
        resolve(m);
      }
    };
    s.on('message', on);
    s.once('close', () => resolve({ t: 'closed' }));
  });
}

/** Runs `workers` loops of `step` until the time is up. */
async function loops(workers: number, until: number, step: (worker: number, i: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        try {
          await step(w, i);
        } catch {
          await sleep(50);
        }
      }
    }),
  );
}

const attacks: Record<string, (http: string, wsUrl: string, until: number) => Promise<AttackResult>> = {
  /** Raw TCP connections that send nothing or trickle a request header a byte a second. */
  async tcp_flood(http, _wsUrl, until) {
    const { port } = new URL(http);
    const sockets: Socket[] = [];
    let refused = 0;
    for (let i = 0; i < 1000 && performance.now() < until; i++) {
      const s = tcpConnect(Number(port), '127.0.0.1');
      s.on('error', () => refused++);
      sockets.push(s);
      if (i % 2 === 1) {
        let n = 0;
        const header = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ';
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(header[n++ % header.length]!)), 1000);
        t.unref();
      }
      if (i % 50 === 49) await sleep(10);
    }
    await sleep(Math.max(0, until - performance.now()));
    const open = sockets.filter((s) => !s.destroyed).length;
    for (const s of sockets) s.destroy();
    return { connections: sockets.length, still_open_at_end: open, errors: refused };
  },
  /** Downloads of the client bundle aborted after the first chunk, 20 at a time. */
  async aborted_downloads(http, _wsUrl, until) {
    let aborted = 0;
    let failed = 0;
    await loops(20, until, () =>
      new Promise<void>((resolve) => {
        const req = request(`${http}/build/main.js`, (res) => {
          res.once('data', () => {
            aborted++;
            req.destroy();
            resolve();
          });
          res.once('end', resolve);
        });
        req.on('error', () => {
          failed++;
          resolve();
        });
        req.end();
      }),
    );
    return { aborted, failed };
  },
  /** One account on 6 sockets, taking its own seat over and over with lastChatSeq 0. */
  async replay(_http, wsUrl, until) {
    const first = await ws(wsUrl);
    first.send(hello('Replayer'));
    const w = await answer(first);
    const token = w['accountToken'] as string;
    let bytes = 0;
    let requests = 0;
    let refused = 0;
    await loops(6, until, async () => {
      const s = await ws(wsUrl);
      s.on('message', (d: Buffer, isBinary) => {
        if (!isBinary) bytes += d.length;
      });
      s.send(hello('Replayer', { accountToken: token, lastChatSeq: 0 }));
      requests++;
      const a = await answer(s);
      if (a['t'] === 'error') refused++;
      await sleep(200);
      s.terminate();
    });
    const seconds = SECONDS;
    return { requests, refused, text_MB_received: round(bytes / 1048576, 2), text_MB_per_s: round(bytes / 1048576 / seconds, 2) };
  },
  /** Join with a new name, then drop without a close: a body left in grace each time. */
  async ghosts(_http, wsUrl, until) {
    let joinedCount = 0;
    let refused = 0;
    const codes: Record<string, number> = {};
    await loops(8, until, async (w, i) => {
      const s = await ws(wsUrl);
      s.send(hello(`Ghost${w}x${i}`));
      const a = await answer(s);
      if (a['t'] === 'welcome') joinedCount++;
      else {
        refused++;
        const code = String(a['code'] ?? a['t']);
        codes[code] = (codes[code] ?? 0) + 1;
      }
      s.terminate();
    });
    return { joins: joinedCount, refused, refusals: JSON.stringify(codes) };
  },
  /** One account: join, 5 lines, leave, again. */
  async leave_rejoin(_http, wsUrl, until) {
    let token: string | undefined;
    let posted = 0;
    const t0 = performance.now();
    await loops(1, until, async (_w, i) => {
      const s = await ws(wsUrl);
      const closed = new Promise((r) => s.once('close', r));
      let echoes = 0;
      s.on('message', (d: Buffer, isBinary) => {
        if (!isBinary && d.includes('"echo"')) echoes++;
      });
      s.send(hello('Rejoiner', token ? { accountToken: token } : {}));
      const a = await answer(s);
      token ??= a['accountToken'] as string | undefined;
      for (let k = 0; k < 5; k++) s.send(JSON.stringify({ t: 'chat', id: `r${i}-${k}`, text: `rejoin line ${i}.${k}` }));
      await sleep(100);
      posted += echoes;
      if (s.readyState === WebSocket.OPEN) s.send(JSON.stringify({ t: 'leave' }));
      else await sleep(100);
      await closed;
    });
    return { lines_posted: posted, lines_per_s: round(posted / ((performance.now() - t0) / 1000)) };
  },
  /** A new name on every hello, each leaving at once (profiles pile up). */
  async name_flood(_http, wsUrl, until) {
    let created = 0;
    let refused = 0;
    const t0 = performance.now();
    await loops(8, until, async (w, i) => {
      const s = await ws(wsUrl);
      s.send(hello(`Squat${w}n${i}`));
      const a = await answer(s);
      if (a['t'] === 'welcome') created++;
      else refused++;
      s.close(1000);
    });
    return { profiles_created: created, refused, created_per_s: round(created / ((performance.now() - t0) / 1000)) };
  },
  /** Wrong passwords, three per connection (the per-connection limit), on 8 connections. */
  async password(_http, wsUrl, until) {
    let guesses = 0;
    let refusedConnections = 0;
    const t0 = performance.now();
    await loops(8, until, async (w, i) => {
      let s: WebSocket;
      try {
        s = await ws(wsUrl);
      } catch {
        refusedConnections++;
        await sleep(100);
        return;
      }
      for (let k = 0; k < 3 && s.readyState === 1; k++) {
        s.send(hello(`Guess${w}`, { password: `guess-${i}-${k}` }));
        guesses++;
        await answer(s, 1000);
      }
      s.terminate();
    });
    return { guesses, guesses_per_s: round(guesses / ((performance.now() - t0) / 1000)), refused_connections: refusedConnections };
  },
};

async function attack(): Promise<void> {
  const http = flags.url!;
  const wsUrl = http.replace('http:', 'ws:') + '/ws';
  const until = performance.now() + SECONDS * 1000;
  const result = await attacks[flags.attack!]!(http, wsUrl, until);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---- parent: the honest player and the table --------------------------------------------------

interface Stats {
  atMs: number;
  cpuPct: number;
  players: number;
  inGrace: number;
  links: number;
  rssMB: number;
}

interface Row {
  attack: string;
  honestP99BeforeMs: number;
  honestP99DuringMs: number;
  honestMaxDuringMs: number;
  updatesDuring: number;
  serverCpuPct: number;
  peakPlayers: number;
  peakInGrace: number;
  attacker: AttackResult;
  verdict: 'pass' | 'FAIL';
}

function lines(child: ChildProcess, on: (line: string) => void): void {
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      on(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
}

async function startServer(db: string, password?: string): Promise<{ child: ChildProcess; url: string; stats: Stats[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/hostile.ts', '--serve', '--db', db, ...(password ? ['--password', password] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stats: Stats[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    lines(child, (line) => {
      if (line.startsWith('URL ')) resolve(line.slice(4));
      else if (line.startsWith('STATS ')) stats.push(JSON.parse(line.slice(6)) as Stats);
    });
  });
  return { child, url, stats };
}

function runAttacker(name: string, url: string): Promise<AttackResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/hostile.ts', '--attack', name, '--url', url, '--seconds', String(SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let result: AttackResult = { error: 'no result' };
    lines(child, (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as AttackResult;
    });
    // Bounded: an attacker that hangs is killed a little after its time.
    const kill = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 15) * 1000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve(result);
    });
  });
}

async function honestPlayer(url: string, password?: string) {
  const { TetherClient } = await import('../src/client/core/tether-client.js');
  const { wsTransport } = await import('../src/client/node/ws-transport.js');
  const { systemClock } = await import('../src/shared/system-clock.js');
  const { DIR_LEFT, DIR_RIGHT } = await import('../src/shared/movement.js');
  const client = new TetherClient({ url: url.replace('http:', 'ws:') + '/ws', transport: wsTransport, clock: systemClock, name: 'Honest', character: 1, ...(password ? { password } : {}) });
  const arrivals: number[] = [];
  client.on('snapshot', () => arrivals.push(performance.now()));
  client.start();
  let flip = 0;
  const walker = setInterval(() => {
    flip++;
    client.setHeldDirs(Math.floor(flip / 100) % 2 === 0 ? DIR_RIGHT : DIR_LEFT);
    client.advance(performance.now());
  }, 10);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the honest player could not join')), 10_000);
    client.on('welcome', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    /** p99 and max of the intervals between updates that arrived in [from, to). */
    intervals(from: number, to: number) {
      let prev = from;
      for (const t of arrivals) if (t < from) prev = t;
      const ds: number[] = [];
      for (const t of arrivals) {
        if (t < from || t >= to) continue;
        ds.push(t - prev);
        prev = t;
      }
      // The gap still open at the end of the window (a stall that has not ended yet counts too).
      ds.push(to - prev);
      return { p99: round(percentile(ds, 99)), max: round(Math.max(...ds)), count: ds.length - 1 };
    },
    stop() {
      clearInterval(walker);
      client.dispose();
    },
  };
}

async function measure(name: string, url: string, stats: Stats[], honest: Awaited<ReturnType<typeof honestPlayer>>): Promise<Row> {
  const quietFrom = performance.now();
  await sleep(3000);
  const before = honest.intervals(quietFrom, performance.now());
  const from = performance.now();
  const firstStat = stats.length;
  const attacker = await runAttacker(name, url);
  const to = performance.now();
  const during = honest.intervals(from, to);
  const window = stats.slice(firstStat);
  const cpu = window.length ? window.reduce((n, s) => n + s.cpuPct, 0) / window.length : NaN;
  const row: Row = {
    attack: name,
    honestP99BeforeMs: before.p99,
    honestP99DuringMs: during.p99,
    honestMaxDuringMs: during.max,
    updatesDuring: during.count,
    serverCpuPct: round(cpu),
    peakPlayers: Math.max(...window.map((s) => s.players)),
    peakInGrace: Math.max(...window.map((s) => s.inGrace)),
    attacker,
    verdict: during.p99 < TARGET_P99_MS ? 'pass' : 'FAIL',
  };
  process.stderr.write(`  ${name}: honest p99 ${before.p99} -> ${during.p99} ms, server CPU ${row.serverCpuPct} %, ${JSON.stringify(attacker)}\n`);
  // Let the server settle before the next attack.
  await sleep(2000);
  return row;
}

/** µs per chat-text check (it runs on the server's main thread for every line), per kind of line. */
async function chatCheckMicros(): Promise<Record<string, number>> {
  const { checkChatText } = await import('../src/shared/chat-text.js');
  const kinds: Record<string, string> = {
    short: 'hi there, anyone around?',
    latin_200: 'The quick brown fox jumps over the lazy dog. '.repeat(5).slice(0, 200),
    cjk_200: '葬爱家族永远的传说'.repeat(23).slice(0, 200),
    emoji_200: '\u{1F600}'.repeat(200),
    bidi_and_format: 'abc\u202Edef\u061Cghi\u200Bjkl '.repeat(12),
    family_emoji_max_field: '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'.repeat(72),
  };
  const out: Record<string, number> = {};
  for (const [kind, text] of Object.entries(kinds)) {
    for (let i = 0; i < 300; i++) checkChatText(text);
    const n = 3000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) checkChatText(text);
    out[kind] = round(((performance.now() - t0) * 1000) / n, 1);
  }
  return out;
}

async function main(): Promise<void> {
  const chatCheck = await chatCheckMicros();
  process.stderr.write(`  chat-text check, µs per line: ${JSON.stringify(chatCheck)}\n`);
  const only = flags.only ? new Set(flags.only.split(',')) : null;
  const selected = (n: string) => !only || only.has(n);
  const { buildClient } = await import('../scripts/build-client.js');
  await buildClient({ minify: true });
  const dir = mkdtempSync(join(tmpdir(), 'tether-hostile-'));
  const rows: Row[] = [];
  const children: ChildProcess[] = [];
  try {
    // Ghosts before the name flood: both make new names from one address, and the name cap
    // would otherwise stop the ghosts before the grace cap is reached.
    const open = ['tcp_flood', 'aborted_downloads', 'replay', 'leave_rejoin', 'ghosts', 'name_flood'].filter(selected);
    if (open.length > 0) {
      const server = await startServer(join(dir, 'open.sqlite'));
      children.push(server.child);
      const honest = await honestPlayer(server.url);
      for (const name of open) rows.push(await measure(name, server.url, server.stats, honest));
      honest.stop();
      server.child.kill('SIGTERM');
    }
    if (selected('password')) {
      const server = await startServer(join(dir, 'private.sqlite'), PASSWORD);
      children.push(server.child);
      const honest = await honestPlayer(server.url, PASSWORD);
      rows.push(await measure('password', server.url, server.stats, honest));
      honest.stop();
      server.child.kill('SIGTERM');
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await sleep(500);
    rmSync(dir, { recursive: true, force: true });
  }

  const table = [
    ['attack', 'honest p99 before', 'honest p99 during', 'max during', 'server CPU', 'peak players', 'verdict (< 80 ms)', 'attacker got'],
    ...rows.map((r) => [r.attack, `${r.honestP99BeforeMs} ms`, `${r.honestP99DuringMs} ms`, `${r.honestMaxDuringMs} ms`, `${r.serverCpuPct} %`, String(r.peakPlayers), r.verdict, Object.entries(r.attacker).map(([k, v]) => `${k}=${v}`).join(' ')]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  process.stdout.write('\n' + table.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n') + '\n');
  process.stdout.write(`\nchat-text check, µs per line: ${Object.entries(chatCheck).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/hostile.json', JSON.stringify({ at: new Date().toISOString(), secondsPerAttack: SECONDS, targetP99Ms: TARGET_P99_MS, rows, chatCheckMicros: chatCheck }, null, 2) + '\n');
  process.stdout.write('\nwrote bench-results/hostile.json\n');
  process.exit(0);
}

if (flags.serve) void serve();
else if (flags.attack) void attack();
else void main();
