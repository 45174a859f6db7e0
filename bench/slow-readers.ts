/**
 * Slow readers vs. server memory. Starts a Tether server in a child process, keeps the world busy
 * (bots walking and chatting with the longest lines the rules allow), and connects 100 clients
 * that join and then either read normally (baseline) or never read again (their sockets paused;
 * they keep sending a ping a second so liveness does not drop them). Reports the server's RSS over
 * time for both, plus what the server did about the non-readers (state frames skipped, 4008
 * closes), and writes bench-results/slow-readers.json.
 *
 *   npm run bench:slow [-- --seconds 20 --clients 100 --bots 20 --chat-per-bot 15]
 *
 * Chat is the control traffic that piles up for a non-reader. The bots chat faster than the
 * default token bucket allows (the child raises it) so the kernel's per-socket buffers (~4 MB on
 * Linux loopback, not counted in RSS) fill within the run and the server's own bound is reached.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { values: flags } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    seconds: { type: 'string', default: '20' },
    clients: { type: 'string', default: '100' },
    bots: { type: 'string', default: '20' },
    'chat-per-bot': { type: 'string', default: '15' },
    db: { type: 'string' },
  },
});

interface ServerStats {
  atMs: number;
  rssMB: number;
  heapUsedMB: number;
  externalMB: number;
  arrayBuffersMB: number;
  links: number;
  /** Sum and max of ws send buffers held by the server process (bytes). */
  bufferedTotal: number;
  bufferedMax: number;
  slowReaderCloses: number;
  statesSkipped: number;
  tick: number;
}

// ---- child: the server ------------------------------------------------------------------------

async function serve(): Promise<void> {
  const { DEFAULT_CONFIG } = await import('../src/server/config.js');
  const { startTetherServer } = await import('../src/server/tether-server.js');
  const { createLogger } = await import('../src/server/logger.js');
  const { CloseCode } = await import('../src/shared/close-codes.js');
  let slowReaderCloses = 0;
  let skippedByClosed = 0;
  const base = createLogger('error');
  const logger = {
    log(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) {
      if (event === 'rejected' && fields?.['code'] === CloseCode.SlowReader) {
        slowReaderCloses++;
        skippedByClosed += Number(fields['statesSkipped'] ?? 0);
      }
      base.log(level, event, fields);
    },
  };
  const server = await startTetherServer({ ...DEFAULT_CONFIG, port: 0, dbPath: flags.db!, logLevel: 'error', maxConnectionsPerAddress: 100_000, maxGracePerAddress: 100_000, newProfilesPerAddressHour: 100_000_000, joinsPerAddressMinute: 100_000_000 }, { logger });
  server.room.chatRate = { burst: 1000, perSecond: 1000 };
  process.stdout.write(`URL ${server.url}\n`);
  setInterval(() => {
    const m = process.memoryUsage();
    let bufferedTotal = 0;
    let bufferedMax = 0;
    let statesSkipped = skippedByClosed;
    for (const link of server.gateway.links) {
      bufferedTotal += link.bufferedAmount;
      bufferedMax = Math.max(bufferedMax, link.bufferedAmount);
      statesSkipped += link.statesSkipped;
    }
    const stats: ServerStats = {
      atMs: Math.round(performance.now()),
      rssMB: mb(m.rss),
      heapUsedMB: mb(m.heapUsed),
      externalMB: mb(m.external),
      arrayBuffersMB: mb(m.arrayBuffers),
      links: server.gateway.links.size,
      bufferedTotal,
      bufferedMax,
      slowReaderCloses,
      statesSkipped,
      tick: server.room.world.tick,
    };
    process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
  }, 500);
  process.on('SIGTERM', () => void server.stop(0).then(() => process.exit(0)));
}

function mb(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}

// ---- parent: the load -------------------------------------------------------------------------

interface Scenario {
  readonly name: 'readers' | 'non_readers';
  readonly samples: Array<{ t: number; rssMB: number; heapUsedMB: number; arrayBuffersMB: number; bufferedTotalKB: number; bufferedMaxKB: number; links: number; kernelTcpMB: number }>;
  baselineRssMB: number;
  peakRssMB: number;
  endRssMB: number;
  slowReaderCloses: number;
  statesSkipped: number;
  peakBufferedMaxKB: number;
  peakBufferedTotalKB: number;
  ticksPerSecond: number;
}

function kernelTcpMB(): number {
  // "TCP: inuse N orphan N tw N alloc N mem PAGES": socket buffer memory, system-wide.
  try {
    const m = /TCP: .* mem (\d+)/.exec(readFileSync('/proc/net/sockstat', 'utf8'));
    return m ? Math.round(((Number(m[1]) * 4096) / 1048576) * 10) / 10 : -1;
  } catch {
    return -1;
  }
}

async function startChild(db: string): Promise<{ child: ChildProcess; url: string; onStats: (f: (s: ServerStats) => void) => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/slow-readers.ts', '--serve', '--db', db], { stdio: ['ignore', 'pipe', 'inherit'] });
  const listeners: Array<(s: ServerStats) => void> = [];
  let buf = '';
  let resolveUrl: (u: string) => void = () => {};
  const url = new Promise<string>((r) => (resolveUrl = r));
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith('URL ')) resolveUrl(line.slice(4));
      else if (line.startsWith('STATS ')) for (const f of listeners) f(JSON.parse(line.slice(6)) as ServerStats);
    }
  });
  return { child, url: await url, onStats: (f) => listeners.push(f) };
}

function connect(url: string, name: string): Promise<{ ws: WebSocket; id: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['tether.1'], { perMessageDeflate: false });
    ws.on('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: 1, name, character: 0 })));
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as { t: string; you?: { id: number }; message?: string };
      if (m.t === 'welcome') {
        ws.off('message', onMessage);
        resolve({ ws, id: m.you!.id });
      } else if (m.t === 'error') reject(new Error(`${name}: ${m.message}`));
    };
    ws.on('message', onMessage);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(name: Scenario['name'], opts: { seconds: number; clients: number; bots: number; chatPerBot: number }): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-'));
  const { child, url, onStats } = await startChild(join(dir, 'db.sqlite'));
  const wsUrl = url.replace('http:', 'ws:') + '/ws';
  let latest: ServerStats | null = null;
  onStats((s) => (latest = s));
  await sleep(1200);
  const baselineRssMB = latest!.rssMB;
  const timers: Array<ReturnType<typeof setInterval>> = [];
  const sockets: WebSocket[] = [];

  // Bots: walk (one input per tick) and chat with the longest allowed line.
  // About the largest line the rules allow (CHAT_MAX_BYTES).
  const line = '\u{1F600}'.repeat(200);
  for (let b = 0; b < opts.bots; b++) {
    const { ws } = await connect(wsUrl, `Bot${b}`);
    sockets.push(ws);
    ws.on('message', () => {});
    let seq = 0;
    let n = 0;
    timers.push(setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ t: 'input', seq: ++seq, dirs: Math.floor(seq / 40) % 2 === 0 ? 8 : 4 })), 50));
    timers.push(setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ t: 'chat', id: `b${b}-${n++}`, text: line })), 1000 / opts.chatPerBot));
  }
  // The 100: join, then read normally or never again.
  for (let c = 0; c < opts.clients; c++) {
    const { ws } = await connect(wsUrl, `C${c}`);
    sockets.push(ws);
    if (name === 'non_readers') (ws as WebSocket & { _socket: import('node:net').Socket })._socket.pause();
    else ws.on('message', () => {});
    timers.push(setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ t: 'ping', id: c, ct: 0 })), 1000));
  }

  const scenario: Scenario = { name, samples: [], baselineRssMB, peakRssMB: 0, endRssMB: 0, slowReaderCloses: 0, statesSkipped: 0, peakBufferedMaxKB: 0, peakBufferedTotalKB: 0, ticksPerSecond: 0 };
  const t0 = performance.now();
  const tick0 = latest!.tick;
  while (performance.now() - t0 < opts.seconds * 1000) {
    await sleep(1000);
    const s = latest!;
    scenario.samples.push({
      t: Math.round((performance.now() - t0) / 100) / 10,
      rssMB: s.rssMB,
      heapUsedMB: s.heapUsedMB,
      arrayBuffersMB: s.arrayBuffersMB,
      bufferedTotalKB: Math.round(s.bufferedTotal / 1024),
      bufferedMaxKB: Math.round(s.bufferedMax / 1024),
      links: s.links,
      kernelTcpMB: kernelTcpMB(),
    });
    scenario.peakRssMB = Math.max(scenario.peakRssMB, s.rssMB);
    scenario.peakBufferedMaxKB = Math.max(scenario.peakBufferedMaxKB, Math.round(s.bufferedMax / 1024));
    scenario.peakBufferedTotalKB = Math.max(scenario.peakBufferedTotalKB, Math.round(s.bufferedTotal / 1024));
    process.stdout.write(`${name.padEnd(11)} t=${scenario.samples.at(-1)!.t}s rss=${s.rssMB}MB heap=${s.heapUsedMB}MB buffered(total/max)=${Math.round(s.bufferedTotal / 1024)}/${Math.round(s.bufferedMax / 1024)}KB links=${s.links} 4008s=${s.slowReaderCloses} kernelTCP=${scenario.samples.at(-1)!.kernelTcpMB}MB\n`);
  }
  const end = latest!;
  scenario.endRssMB = end.rssMB;
  scenario.slowReaderCloses = end.slowReaderCloses;
  scenario.statesSkipped = end.statesSkipped;
  scenario.ticksPerSecond = Math.round(((end.tick - tick0) / ((performance.now() - t0) / 1000)) * 10) / 10;
  for (const t of timers) clearInterval(t);
  for (const ws of sockets) ws.terminate();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return scenario;
}

async function main(): Promise<void> {
  if (flags.serve) return serve();
  const opts = { seconds: Number(flags.seconds), clients: Number(flags.clients), bots: Number(flags.bots), chatPerBot: Number(flags['chat-per-bot']) };
  const readers = await run('readers', opts);
  const nonReaders = await run('non_readers', opts);
  const { CONTROL_LIMIT_BYTES, STATE_SKIP_BYTES } = await import('../src/server/net/client-link.js');
  const result = {
    at: new Date().toISOString(),
    node: process.version,
    options: opts,
    limits: { stateSkipBytes: STATE_SKIP_BYTES, controlLimitBytes: CONTROL_LIMIT_BYTES },
    summary: {
      readers: { baselineRssMB: readers.baselineRssMB, peakRssMB: readers.peakRssMB, endRssMB: readers.endRssMB, ticksPerSecond: readers.ticksPerSecond },
      nonReaders: {
        baselineRssMB: nonReaders.baselineRssMB,
        peakRssMB: nonReaders.peakRssMB,
        endRssMB: nonReaders.endRssMB,
        peakBufferedPerClientKB: nonReaders.peakBufferedMaxKB,
        peakBufferedAllClientsKB: nonReaders.peakBufferedTotalKB,
        slowReaderCloses: nonReaders.slowReaderCloses,
        statesSkipped: nonReaders.statesSkipped,
        ticksPerSecond: nonReaders.ticksPerSecond,
      },
      // Non-readers' extra server memory is bounded by clients x controlLimitBytes in the worst case.
      boundMB: Math.round(((opts.clients * CONTROL_LIMIT_BYTES) / 1048576) * 10) / 10,
    },
    readers,
    nonReaders,
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/slow-readers.json', JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`\n${JSON.stringify(result.summary, null, 2)}\nwritten: bench-results/slow-readers.json\n`);
}

await main();
