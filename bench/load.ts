/**
 * Load benchmark, scenario room-N (npm run bench:load [-- --n 50,200,500,1000 --measure 25]):
 * a 1000 x 1000 world, N bots each holding one of 8 directions at 100 units/s and changing it
 * with p = 5 % every 50 ms, a chat line every 10 s per bot, 20 Hz ticks. The server runs in its
 * own process, the bots in one or two others. After all bots are live and a warm-up, figures are
 * taken over the measurement window:
 *
 *   server CPU s/s      utime+stime of the server process from /proc/<pid>/stat
 *   RSS                 VmRSS of the server process at the end of the window
 *   down/up B/s/client  WebSocket frames as the bots' sockets see them (payload + frame header;
 *                       TCP/IP headers not counted)
 *   updates/s, interval state frames per client per second and the gap between them (bots)
 *   tick ms p50/p99     the server's own measurement of each tick (GET /status.json)
 *
 * Bots: full clients on the client library (invariants checked) up to N = 500; above that, wire
 * bots (src/bots/wire-bot.ts: the same traffic, nothing decoded), because full bots for 1000
 * players need more CPU than a 2-core machine has next to the server.
 *
 * Yardstick: the issue's reference figures come from another machine, and this one is shared and
 * noisy. So at each N the naive full-state JSON server (bench/support/naive-server.ts) is measured
 * too, in the same run and under the same wire bots as Tether; Tether / naive is the ratio to
 * trust, and "via naive" carries it over to Colyseus with the issue's own naive / Colyseus ratio.
 *
 * Writes bench-results/load.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Swarm } from '../src/bots/swarm.js';
import { BENCH_ADMIN_TOKEN, LOOPBACK_CROWD } from './support/server-process.js';

const REFERENCE = {
  200: { colyseusCpu: 0.22, colyseusDown: 41_000, colyseusRss: 84, naiveCpu: 0.205 },
  500: { colyseusCpu: 0.655, colyseusDown: 93_500, colyseusRss: 102, naiveCpu: 0.67 },
} as Record<number, { colyseusCpu: number; colyseusDown: number; colyseusRss: number; naiveCpu: number }>;

/** Fills the same-run ratios: each Tether row against the naive row of its N (both under wire bots). */
function addRatios(rows: Row[]): void {
  for (const r of rows) {
    if (r.server !== 'tether') continue;
    const naive = rows.find((x) => x.n === r.n && x.server === 'naive' && x.held);
    const tetherWire = rows.find((x) => x.n === r.n && x.server === 'tether' && x.bots === 'wire');
    if (!naive || !tetherWire) continue;
    r.cpu_vs_naive_same_run = round3(tetherWire.server_cpu_s_per_s / naive.server_cpu_s_per_s);
    r.down_vs_naive_same_run = round3(tetherWire.down_Bps_per_client / naive.down_Bps_per_client);
    const ref = REFERENCE[r.n];
    if (ref) r.cpu_vs_colyseus_via_naive = round3(r.cpu_vs_naive_same_run * (ref.naiveCpu / ref.colyseusCpu));
  }
}

const CLK_TCK = 100;

interface Row {
  n: number;
  /** tether, or the naive full-state JSON broadcast server measured as a yardstick. */
  server: ServerKind;
  /** Which bots drove the server: full clients, or wire-level load generators (no invariants checked). */
  bots: 'client' | 'wire';
  joined: number;
  server_cpu_s_per_s: number;
  /** The same split into user (JS, libuv) and system (socket syscalls, loopback TCP) time. */
  server_user_s_per_s: number;
  server_sys_s_per_s: number;
  rss_mb: number;
  down_Bps_per_client: number;
  up_Bps_per_client: number;
  updates_per_s: number;
  update_interval_ms_p50: number;
  update_interval_ms_p99: number;
  tick_ms_p50: number | null;
  tick_ms_p99: number | null;
  tick_ms_max: number | null;
  bots_cpu_s_per_s: number;
  measure_s: number;
  chat_sent: number;
  chat_lost: number;
  chat_duplicated: number;
  reconnects: number;
  state_full_frames: number;
  /** Machine load at the end of the window: other work on the machine skews every figure. */
  loadavg_1m: number;
  /** All N bots live through the window (false: the machine did not hold N; figures are not comparable). */
  held: boolean;
  cpu_vs_colyseus?: number;
  down_vs_colyseus?: number;
  /** Tether under wire bots against the naive server under wire bots at the same N, this run. */
  cpu_vs_naive_same_run?: number;
  down_vs_naive_same_run?: number;
  /**
   * CPU against Colyseus through the yardstick: (Tether / naive, this run) x (naive / Colyseus,
   * the table: 0.205 / 0.22 at 200, 0.67 / 0.655 at 500). Machine speed cancels out.
   */
  cpu_vs_colyseus_via_naive?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      n: { type: 'string', default: '50,200,500,1000' },
      warmup: { type: 'string', default: '5' },
      measure: { type: 'string', default: '25' },
      out: { type: 'string', default: 'bench-results/load.json' },
      // client: full bots on the client library; wire: lean load generators (src/bots/wire-bot.ts);
      // auto: client bots up to 500, wire above (full bots for 1000 need more cores than a
      // 2-core machine has next to the server).
      bots: { type: 'string', default: 'auto' },
      // Also measure, at each N, Tether and the naive full-state JSON server under wire bots
      // (bench/support/naive-server.ts): a same-run yardstick (--no-reference to skip).
      reference: { type: 'boolean', default: true },
      // Writes a V8 CPU profile of the server per N (open in Chrome DevTools): where the time goes.
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const ns = values.n.split(',').map(Number).filter((x) => x > 0);
  if (!['auto', 'client', 'wire'].includes(values.bots)) throw new Error('--bots must be auto, client or wire');
  const rows: Row[] = [];
  const failed: Array<{ n: number; error: string }> = [];
  const save = () => {
    mkdirSync('bench-results', { recursive: true });
    addRatios(rows);
    writeFileSync(values.out, JSON.stringify({ scenario: 'room-N', machine: machine(), rows, failed }, null, 2));
  };
  for (const n of ns) {
    const kind = values.bots === 'auto' ? (n > 500 ? 'wire' : 'client') : (values.bots as 'client' | 'wire');
    // The yardstick, measured in the same run: Tether and the naive server under the same wire bots.
    const runs: Array<[ServerKind, 'client' | 'wire']> = [['tether', kind]];
    // Not above 500: the naive server sends every client the whole world every tick and, without
    // backpressure, would fill this machine's memory with send buffers at 1000.
    if (values.reference && n <= 500) {
      if (kind !== 'wire') runs.push(['tether', 'wire']);
      runs.push(['naive', 'wire']);
    }
    for (const [server, bots] of runs) {
      process.stdout.write(`\n== room-${n}: ${server} server, ${bots} bots ==\n`);
      try {
        rows.push(await runOne(n, server, bots, Number(values.warmup) * 1000, Number(values.measure) * 1000, values['cpu-prof']));
      } catch (err) {
        // Say so, rather than crash: "the machine does not hold N" is a result too.
        const error = err instanceof Error ? err.message : String(err);
        process.stdout.write(`\n  room-${n} (${server}, ${bots} bots) failed: ${error}\n`);
        failed.push({ n, error: `${server} server, ${bots} bots: ${error}` });
      }
      save();
      printTable(rows);
    }
  }
  process.stdout.write(`\nwrote ${values.out}\n`);
}

type ServerKind = 'tether' | 'naive';

async function runOne(n: number, serverKind: ServerKind, kind: 'client' | 'wire', warmupMs: number, measureMs: number, cpuProf: boolean): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
  const profArgs = cpuProf ? ['--cpu-prof', '--cpu-prof-dir', 'bench-results/profiles'] : [];
  const entry =
    serverKind === 'tether'
      ? ['src/server/main.ts', '--max-conns-per-ip', '100000', ...LOOPBACK_CROWD, '--admin-token', BENCH_ADMIN_TOKEN, '--port', '0', '--db', join(dir, 'load.sqlite'), '--world', '1000x1000', '--speed', '100', '--tick-rate', '20', '--log-level', 'warn']
      : ['bench/support/naive-server.ts', '--port', '0', '--world', '1000x1000', '--speed', '100', '--tick-rate', '20'];
  const server = spawn(process.execPath, [...profArgs, '--import', 'tsx', ...entry], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await portOf(server);
    const base = `http://127.0.0.1:${port}`;
    const swarm = new Swarm({
      url: `ws://127.0.0.1:${port}/ws`,
      count: n,
      perProcess: n > 300 ? Math.ceil(n / 2) : n,
      profile: 'ideal',
      seed: 7,
      chatEveryMs: 10_000,
      changeP: 0.05,
      rampPerSec: 100,
      kind,
    });
    swarm.start();
    const t0 = Date.now();
    while (swarm.totals().live < n && Date.now() - t0 < 30_000 + n * 20) await sleep(250);
    const ready = swarm.totals();
    process.stdout.write(`  ${ready.live}/${n} bots live after ${((Date.now() - t0) / 1000).toFixed(1)} s; warming up ${warmupMs / 1000} s\n`);
    await sleep(warmupMs);
    swarm.mark();
    const cpu0 = cpuSeconds(server.pid!);
    const split0 = cpuSplit(server.pid!);
    const botCpu0 = swarm.pids.reduce((s, p) => s + cpuSeconds(p), 0);
    const w0 = Date.now();
    const full0 = (await status(base)).state.fullFramesSent;
    await sleep(500);
    const botsMarked = swarm.totals();
    let rss = 0;
    const until = w0 + measureMs;
    while (Date.now() < until) {
      await sleep(Math.min(1000, until - Date.now()));
      rss = Math.max(rss, rssMb(server.pid!));
      process.stdout.write(`\r  measuring ${((Date.now() - w0) / 1000).toFixed(0)} / ${measureMs / 1000} s, live ${swarm.totals().live}   `);
    }
    const wallS = (Date.now() - w0) / 1000;
    const cpu1 = cpuSeconds(server.pid!);
    const split1 = cpuSplit(server.pid!);
    const botCpu1 = swarm.pids.reduce((s, p) => s + cpuSeconds(p), 0);
    const st = await status(base, Math.round(measureMs / 1000));
    // Wait for the workers' next progress report so their window covers the whole measurement.
    await sleep(1100);
    const t = swarm.totals();
    process.stdout.write('\n');
    const clients = Math.max(1, t.live);
    const windowS = t.windowMs / 1000;
    const result = await swarm.finish(1000, 10_000);
    void botsMarked;
    const row: Row = {
      n,
      server: serverKind,
      bots: kind,
      joined: t.joined,
      server_cpu_s_per_s: round3((cpu1 - cpu0) / wallS),
      server_user_s_per_s: round3((split1.user - split0.user) / wallS),
      server_sys_s_per_s: round3((split1.sys - split0.sys) / wallS),
      rss_mb: Math.round(rss),
      down_Bps_per_client: Math.round(t.windowBytesIn / clients / windowS),
      up_Bps_per_client: Math.round(t.windowBytesOut / clients / windowS),
      updates_per_s: round1(t.windowSnapshots / clients / windowS),
      update_interval_ms_p50: round1(t.intervals.quantile(0.5)),
      update_interval_ms_p99: round1(t.intervals.quantile(0.99)),
      tick_ms_p50: st.tickMs.p50 === null ? null : round3(st.tickMs.p50),
      tick_ms_p99: st.tickMs.p99 === null ? null : round3(st.tickMs.p99),
      tick_ms_max: st.tickMs.max === null ? null : round3(st.tickMs.max),
      bots_cpu_s_per_s: round3((botCpu1 - botCpu0) / wallS),
      measure_s: round1(wallS),
      chat_sent: result.chat.sent,
      chat_lost: result.chat.lost,
      chat_duplicated: result.chat.duplicated,
      reconnects: result.totals.reconnects,
      state_full_frames: st.state.fullFramesSent - full0,
      loadavg_1m: round1(loadavg()[0]!),
      held: ready.live >= n && t.live >= n,
    };
    const ref = serverKind === 'tether' ? REFERENCE[n] : undefined;
    if (ref) {
      row.cpu_vs_colyseus = round3(row.server_cpu_s_per_s / ref.colyseusCpu);
      row.down_vs_colyseus = round3(row.down_Bps_per_client / ref.colyseusDown);
    }
    swarm.kill();
    return row;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r).once('error', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

interface StatusJson {
  tickMs: { p50: number | null; p99: number | null; max: number | null; count: number };
  state: { fullFramesSent: number };
}

async function status(base: string, windowS = 10): Promise<StatusJson> {
  const res = await fetch(`${base}/status.json?window=${windowS}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` } });
  return (await res.json()) as StatusJson;
}

function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`server did not report its port: ${text}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /http:\/\/[^\s/]+:(\d+)\//.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${text}`)));
  });
}

function cpuSeconds(pid: number): number {
  const { user, sys } = cpuSplit(pid);
  return user + sys;
}

/** utime and stime of a process from /proc/<pid>/stat, in seconds (0 when it is gone). */
function cpuSplit(pid: number): { user: number; sys: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / CLK_TCK, sys: Number(fields[12]) / CLK_TCK };
  } catch {
    return { user: 0, sys: 0 };
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function machine(): Record<string, unknown> {
  let cpu = 'unknown';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    /* not Linux */
  }
  return { cpu, cores: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? null, node: process.version };
}

function printTable(rows: Row[]): void {
  const head = ['N', 'server', 'bots', 'CPU s/s (user+sys)', 'RSS MB', 'down B/s', 'up B/s', 'upd/s', 'intv p50/p99 ms', 'tick p50/p99 ms', 'CPU/Colyseus', 'down/Colyseus', 'CPU/naive (run)', 'CPU/Colyseus via naive', 'bots CPU', 'chat lost/dup'];
  const lines = rows.map((r) => [
    String(r.n),
    r.server,
    r.bots,
    `${r.server_cpu_s_per_s.toFixed(3)} (${r.server_user_s_per_s.toFixed(2)}+${r.server_sys_s_per_s.toFixed(2)})`,
    String(r.rss_mb),
    String(r.down_Bps_per_client),
    String(r.up_Bps_per_client),
    r.updates_per_s.toFixed(1),
    `${r.update_interval_ms_p50} / ${r.update_interval_ms_p99}`,
    `${r.tick_ms_p50?.toFixed(2)} / ${r.tick_ms_p99?.toFixed(2)}`,
    r.cpu_vs_colyseus === undefined ? '-' : r.cpu_vs_colyseus.toFixed(2),
    r.down_vs_colyseus === undefined ? '-' : r.down_vs_colyseus.toFixed(3),
    r.cpu_vs_naive_same_run === undefined ? '-' : r.cpu_vs_naive_same_run.toFixed(2),
    r.cpu_vs_colyseus_via_naive === undefined ? '-' : r.cpu_vs_colyseus_via_naive.toFixed(2),
    r.bots_cpu_s_per_s.toFixed(2),
    r.bots === 'wire' ? 'n/a' : `${r.chat_lost}/${r.chat_duplicated}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n${fmt(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${lines.map(fmt).join('\n')}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const round1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : NaN);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

void main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
