/**
 * bench:reconnect — how fast and how safely players come back.
 *
 * A real server (child process, SQLite file) behind the chaos proxy at the `mobile` profile;
 * BOTS headless clients walk and chat throughout. A scripted series of network events hits all of
 * them at once: black holes of 1-10 s, resets (RST), clean closes, and server restarts (graceful
 * SIGTERM and abrupt SIGKILL, same port and database). For every client and event it records:
 * whether the client dropped, how long a black hole took to detect, and how long from the
 * network's return to the resumed session, in round trips of the profile's measured RTT. At the
 * end every chat line any bot sent must have reached every bot exactly once.
 *
 * Usage: npm run bench:reconnect [-- --bots 10 --seed 1 --quick]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { startChaosProxy } from '../src/netsim/chaos-proxy.js';
import { createRng } from '../src/shared/rng.js';
import { systemClock } from '../src/shared/system-clock.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../src/shared/movement.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { percentile, round } from './support/percentile.js';

type Kind = 'blackhole' | 'reset' | 'close' | 'restart' | 'kill';
interface Event {
  kind: Kind;
  ms: number;
}

const { values: args } = parseArgs({ options: { bots: { type: 'string', default: '12' }, seed: { type: 'string', default: '1' }, quick: { type: 'boolean', default: false }, profile: { type: 'string', default: 'mobile' } } });
const BOTS = Number(args.bots);
const rng = createRng(Number(args.seed));

const HOLES = args.quick ? [3000, 6000] : [1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 3000, 5000, 7000, 9000, 4000, 2500];
const events: Event[] = [
  ...HOLES.map((ms) => ({ kind: 'blackhole' as const, ms })),
  ...Array.from({ length: args.quick ? 1 : 4 }, () => ({ kind: 'reset' as const, ms: 0 })),
  ...Array.from({ length: args.quick ? 1 : 3 }, () => ({ kind: 'close' as const, ms: 0 })),
  { kind: 'restart', ms: 0 },
  { kind: 'kill', ms: 0 },
];
// A seeded shuffle, so the order is mixed but reproducible.
for (let i = events.length - 1; i > 0; i--) {
  const j = Math.floor(rng.next() * (i + 1));
  [events[i], events[j]] = [events[j]!, events[i]!];
}

interface BotState {
  client: TetherClient;
  name: string;
  said: Array<{ id: string; text: string }>;
  /** Lines the server refused visibly (chat rate): the sender was told, so they are not lost. */
  refused: Set<string>;
  dropAt: number | null;
  welcomeAt: number | null;
  lastDropSilentMs: number | null;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-reconnect-'));
  const db = join(dir, 'tether.sqlite');
  let server: ServerProcess = await startServerProcess(['--port', '0', '--db', db, '--log-level', 'warn']);
  const port = server.port;
  const proxy = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: port, profile: args.profile!, seed: Number(args.seed), log: () => {} });
  const url = `ws://127.0.0.1:${proxy.port}/ws`;
  console.log(`bench:reconnect  bots=${BOTS} profile=${args.profile} seed=${args.seed} events=${events.length}`);

  const bots: BotState[] = [];
  for (let i = 0; i < BOTS; i++) {
    const name = i % 2 === 0 ? `机器人${i}` : `bot-${i}`;
    const client = new TetherClient({ url, transport: wsTransport, clock: systemClock, name, character: i % 6, random: () => rng.next() });
    const bot: BotState = { client, name, said: [], refused: new Set(), dropAt: null, welcomeAt: null, lastDropSilentMs: null };
    client.connection.on('drop', (_code, _reason, silentMs) => {
      if (bot.dropAt === null) {
        bot.dropAt = performance.now();
        bot.lastDropSilentMs = silentMs;
      }
    });
    client.on('chatRejected', (id) => bot.refused.add(id));
    client.on('welcome', () => {
      bot.welcomeAt = performance.now();
    });
    client.start();
    bots.push(bot);
  }
  await waitFor(() => bots.every((b) => b.client.status.kind === 'live'), 20_000, 'all bots joined');

  // Walk and chat throughout.
  let chatCounter = 0;
  const walker = setInterval(() => {
    const now = performance.now();
    for (const b of bots) {
      if (rng.chance(0.02)) b.client.setHeldDirs([0, DIR_UP, DIR_DOWN, DIR_LEFT, DIR_RIGHT][rng.int(0, 4)]!);
      b.client.advance(now);
    }
  }, 16);
  const chatter = setInterval(() => {
    const b = bots[rng.int(0, bots.length - 1)]!;
    const text = `${b.name}#${++chatCounter}`;
    const said = b.client.say(text);
    if (said.ok) b.said.push({ id: said.id, text });
  }, 300);

  await sleep(3000);
  const rttMs = percentile(bots.map((b) => b.client.serverClock.rttMs), 50);
  console.log(`measured RTT p50 ${round(rttMs)} ms`);

  const detect: number[] = [];
  const resumeRtt: Record<Kind, number[]> = { blackhole: [], reset: [], close: [], restart: [], kill: [] };
  let drops = 0;
  let resumed = 0;
  let stallsWithoutDrop = 0;
  let duplicatePlayers = 0;
  for (const [i, ev] of events.entries()) {
    for (const b of bots) {
      b.dropAt = null;
      b.welcomeAt = null;
    }
    const t0 = performance.now();
    let tReturn = t0;
    if (ev.kind === 'blackhole') {
      proxy.blackhole(true);
      await sleep(ev.ms);
      proxy.blackhole(false);
      tReturn = performance.now();
    } else if (ev.kind === 'reset') {
      proxy.resetAll();
    } else if (ev.kind === 'close') {
      proxy.closeAll();
    } else {
      await server.stop(ev.kind === 'restart' ? 'SIGTERM' : 'SIGKILL');
      server = await startServerProcess(['--port', String(port), '--db', db, '--log-level', 'warn']);
      tReturn = performance.now();
    }
    const dropped = () => bots.filter((b) => b.dropAt !== null);
    // Drops are noticed asynchronously (a close event, or silence past the dead-link bound):
    // give them the detection window, or until every bot has dropped.
    await waitFor(() => dropped().length === bots.length, 3500, '').catch(() => {});
    await waitFor(() => dropped().every((b) => b.welcomeAt !== null && b.client.status.kind === 'live') && bots.every((b) => b.client.status.kind === 'live'), 40_000, `event ${i} (${ev.kind}) recovered`);
    const hit = dropped();
    if (hit.length === 0) stallsWithoutDrop += bots.length;
    for (const b of hit) {
      drops++;
      if (b.welcomeAt !== null) resumed++;
      if (ev.kind === 'blackhole' && b.lastDropSilentMs !== null) detect.push(b.dropAt! - t0);
      resumeRtt[ev.kind].push((b.welcomeAt! - Math.max(tReturn, b.dropAt!)) / rttMs);
    }
    await sleep(500);
    for (const b of bots) {
      const names = [...b.client.players.values()].map((p) => p.info.name);
      if (names.length !== new Set(names).size || names.length !== bots.length) duplicatePlayers++;
    }
    process.stdout.write(`  event ${String(i + 1).padStart(2)}/${events.length} ${ev.kind.padEnd(9)} ${ev.ms ? `${ev.ms} ms` : ''}`.padEnd(40) + ` dropped ${hit.length}/${bots.length}\n`);
  }

  clearInterval(chatter);
  clearInterval(walker);
  await waitFor(() => bots.every((b) => b.client.outbox.size === 0), 15_000, 'outboxes drained');
  const sent = bots.flatMap((b) => b.said.filter((l) => !b.refused.has(l.id)).map((l) => l.text));
  const refused = bots.reduce((n, b) => n + b.refused.size, 0);
  await waitFor(() => bots.every((b) => b.client.chatLog.length >= sent.length || b.client.chatLog.length >= 500), 10_000, 'chat delivered').catch(() => {});
  let lost = 0;
  let duplicated = 0;
  for (const b of bots) {
    const counts = new Map<string, number>();
    for (const l of b.client.chatLog) counts.set(l.text, (counts.get(l.text) ?? 0) + 1);
    // chatLog keeps the last 500 lines; check those sent recently enough to be in it.
    const window = sent.slice(-Math.min(sent.length, 480));
    for (const text of window) {
      const n = counts.get(text) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicated += n - 1;
    }
  }

  const allResume = Object.values(resumeRtt).flat();
  const result = {
    bots: BOTS,
    profile: args.profile,
    seed: Number(args.seed),
    rtt_ms: round(rttMs),
    events: events.length,
    drops,
    resumed,
    stalls_without_drop: stallsWithoutDrop,
    detect_ms_p50: round(percentile(detect, 50)),
    detect_ms_max: round(Math.max(...detect)),
    resume_rtt_p50: round(percentile(allResume, 50), 2),
    resume_rtt_p99: round(percentile(allResume, 99), 2),
    resume_rtt_by_kind: Object.fromEntries(Object.entries(resumeRtt).map(([k, v]) => [k, { n: v.length, p50: round(percentile(v, 50), 2), max: round(Math.max(...v), 2) }])),
    chat_sent: sent.length,
    chat_refused: refused,
    chat_lost: lost,
    chat_duplicated: duplicated,
    duplicate_players: duplicatePlayers,
  };
  console.log('');
  console.table({
    drops: result.drops,
    resumed: result.resumed,
    'detect ms p50 / max (black holes)': `${result.detect_ms_p50} / ${result.detect_ms_max}`,
    'resume in RTTs p50 / p99': `${result.resume_rtt_p50} / ${result.resume_rtt_p99}`,
    'chat sent / refused / lost / duplicated': `${result.chat_sent} / ${result.chat_refused} / ${result.chat_lost} / ${result.chat_duplicated}`,
    'duplicate players': result.duplicate_players,
  });
  console.table(result.resume_rtt_by_kind);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/reconnect.json', JSON.stringify(result, null, 2) + '\n');
  console.log('wrote bench-results/reconnect.json');

  for (const b of bots) b.client.leave();
  await proxy.close();
  await server.stop('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  const failed = result.chat_lost > 0 || result.chat_duplicated > 0 || result.duplicate_players > 0 || result.resumed < result.drops;
  process.exit(failed ? 1 : 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

main().catch((err: unknown) => {
  console.error(`bench:reconnect failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
