/**
 * bench:cluster — the cluster under its failures, measured (issue 13).
 *
 * Three node processes (the production bundle) on this machine's PostgreSQL and a redis-server of
 * the bench's own (so it can be restarted empty), six worlds, BOTS full client bots (the client
 * core, in this process) walking and chatting. Then, in order:
 *   1. steady state (MEASURE_S): Redis commands per player per second — the requests the nodes
 *      send (their /metrics) and the commands Redis runs, those inside scripts included (INFO) —
 *      and server CPU per player on the nodes against three single-process servers side by side,
 *      each carrying one node's share (BOTS / 3 players in two worlds), measured in the same run:
 *      the same processes, players and machine load, only the cluster's own work differs (a
 *      Tether process costs about 10 ms/s idle here, and its cost per player falls as it holds
 *      more players, so one process with all the players would be no yardstick for a node);
 *   2. three kill -9s of a world's owner (the node is started again after each);
 *   3. three SIGSTOPs of an owner for lease + 2 s, then SIGCONT;
 *   4. one rolling deploy: SIGTERM, exit, start again, node by node;
 *   5. one Redis restart: killed, started again empty 3 s later.
 * Per event kind: players affected; time from the event to resumed, p50/p99 (deploy: each
 * player's longest freeze; Redis restart: each player's longest gap between state frames);
 * resumed as the same id and name, and where (drift from the last position the server sent,
 * against one checkpoint of walking); players sent back to the join screen (a refusal, a new
 * session, or a stop); chat lost and duplicated (every line said must reach every player of its
 * world exactly once); worlds that ever had two owners (the nodes' logs: one owner at a time).
 *
 * Usage: npm run bench:cluster [-- --bots 60 --measure 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { systemClock } from '../src/shared/system-clock.js';
import { newRedisClient } from '../src/server/cluster/redis-connection.js';
import { CLUSTER_ADMIN_TOKEN, ensureServerBuilt, freePort, ownershipViolations, startTestCluster, type TestCluster } from '../tests/support/cluster-nodes.js';
import { startOwnRedis } from '../tests/support/redis-fixture.js';
import { percentile } from './support/percentile.js';

const { values: args } = parseArgs({ options: { bots: { type: 'string', default: '60' }, measure: { type: 'string', default: '30' }, 'steady-only': { type: 'boolean', default: false } } });
// --steady-only: the steady-state figures alone (no failures), for quick comparisons.
const BOTS = Number(args.bots);
const MEASURE_S = Number(args.measure);
const WORLDS = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord'];
const LEASE_MS = 3000;
const CHECKPOINT_MS = 500;
const SPEED = 120;
/** One checkpoint of walking, plus the housekeeping round, a tick and the write: "at most one checkpoint old". */
const DRIFT_ALLOWED = (SPEED * (CHECKPOINT_MS + 100 + 50 + 50)) / 1000;

interface Bot {
  readonly c: TetherClient;
  readonly world: string;
  readonly name: string;
  readonly sent: string[];
  refused: number;
  lastFrameAt: number;
  maxGapMs: number;
  stopTurning: () => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t = () => new Date().toISOString().slice(11, 23);
const log = (s: string) => process.stdout.write(`${t()} ${s}\n`);

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function makeBots(count: number, homes: () => string[], mayMove: (url: string) => boolean, worlds: readonly string[] = WORLDS, prefix = 'Cb'): Bot[] {
  const bots: Bot[] = [];
  for (let i = 0; i < count; i++) {
    const world = worlds[i % worlds.length]!;
    const name = `${prefix}${i}`;
    const list = homes();
    const c = new TetherClient({ url: list[i % list.length]!, world, transport: wsTransport, clock: systemClock, name, character: i % 6, mayMoveTo: mayMove, fallbackUrls: homes });
    const bot: Bot = { c, world, name, sent: [], refused: 0, lastFrameAt: 0, maxGapMs: 0, stopTurning: () => {} };
    c.on('snapshot', () => {
      const now = performance.now();
      if (bot.lastFrameAt > 0) bot.maxGapMs = Math.max(bot.maxGapMs, now - bot.lastFrameAt);
      bot.lastFrameAt = now;
    });
    c.on('refused', () => bot.refused++);
    // A walker: a new direction (or a pause) every 1-3 s, inside the map.
    let timer: NodeJS.Timeout;
    const turn = () => {
      const dirs = [0, 1, 2, 4, 8, 5, 9, 6, 10][Math.floor(Math.random() * 9)]!;
      c.setHeldDirs(dirs);
      timer = setTimeout(turn, 1000 + Math.random() * 2000);
    };
    turn();
    bot.stopTurning = () => clearTimeout(timer);
    c.start();
    bots.push(bot);
  }
  return bots;
}

/** Drives every bot's input tick. */
function driveInputs(bots: Bot[]): () => void {
  const timer = setInterval(() => {
    const now = performance.now();
    for (const b of bots) b.c.advance(now);
  }, 16);
  return () => clearInterval(timer);
}

/** Each bot says a line about every 10 s (lines are unique: name and a counter). */
function chatter(bots: Bot[]): () => void {
  let n = 0;
  const timer = setInterval(() => {
    n++;
    for (const [i, b] of bots.entries()) {
      if ((n + i) % 20 !== 0) continue;
      const text = `${b.name}#${b.sent.length}`;
      if (b.c.say(text).ok) b.sent.push(text);
    }
  }, 500);
  return () => clearInterval(timer);
}

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(20);
  }
}

const allLive = (bots: Bot[]) => bots.every((b) => b.c.status.kind === 'live');

/** Where the server had the bot at the newest tick the bot heard of. */
function serverPos(b: Bot): { x: number; y: number } | null {
  const at = b.c.self?.stateAt(b.c.lastTick);
  return at ? { x: at.x, y: at.y } : null;
}

interface EventResult {
  kind: string;
  affected: number;
  resumeMs: number[];
  sameIdAndName: number;
  maxDrift: number;
  withinCheckpoint: number;
}

/** Kills or stalls the owner of a world and measures its players' way back. */
async function ownerEvent(kind: 'kill' | 'stop', cluster: TestCluster, bots: Bot[], world: string, killedAt: Map<string, number>): Promise<EventResult> {
  const owner = cluster.ownerOf(world);
  if (!owner) throw new Error(`no owner of ${world}`);
  const ownedWorlds = new Set(WORLDS.filter((w) => cluster.ownerOf(w) === owner));
  const affected = bots.filter((b) => ownedWorlds.has(b.world));
  const before = new Map(affected.map((b) => [b, { id: b.c.selfId, name: b.c.self?.info.name, pos: serverPos(b), resumes: b.c.resumes }]));
  const resumedAt = new Map<Bot, number>();
  /** Where the welcome after the event put each player (the restored checkpoint). */
  const placedAt = new Map<Bot, { x: number; y: number }>();
  const offs = affected.map((b) =>
    b.c.on('welcome', (w) => {
      if (!w.resumed || resumedAt.has(b)) return;
      resumedAt.set(b, performance.now());
      placedAt.set(b, { x: w.you.x, y: w.you.y });
    }),
  );
  const t0 = performance.now();
  if (kind === 'kill') {
    killedAt.set(owner.id, Date.now());
    owner.signal('SIGKILL');
  } else {
    owner.signal('SIGSTOP');
    setTimeout(() => owner.signal('SIGCONT'), LEASE_MS + 2000);
  }
  log(`${kind}: ${owner.id} (worlds ${[...ownedWorlds].join(', ')}; ${affected.length} players)`);
  try {
    await until(() => affected.every((b) => resumedAt.has(b) && b.c.status.kind === 'live'), 30_000, `${kind}: players back`);
  } finally {
    offs.forEach((off) => off());
  }
  let sameIdAndName = 0;
  let maxDrift = 0;
  let withinCheckpoint = 0;
  for (const b of affected) {
    const was = before.get(b)!;
    if (b.c.selfId === was.id && b.c.self?.info.name === was.name) sameIdAndName++;
    const welcomePos = placedAt.get(b);
    if (was.pos && welcomePos) {
      const d = Math.hypot(welcomePos.x - was.pos.x, welcomePos.y - was.pos.y);
      maxDrift = Math.max(maxDrift, d);
      if (d <= DRIFT_ALLOWED) withinCheckpoint++;
    }
  }
  if (kind === 'kill') {
    await owner.exited();
    await owner.start();
  } else {
    await owner.waitFor((l) => l.event === 'world_lost', 'the stalled node lets go', 15_000).catch(() => undefined);
  }
  const resumeMs = affected.map((b) => resumedAt.get(b)! - t0);
  log(`  ${kind}: ${affected.length} players back after p50 ${Math.round(percentile(resumeMs, 50))} / max ${Math.round(Math.max(...resumeMs))} ms`);
  return { kind, affected: affected.length, resumeMs, sameIdAndName, maxDrift, withinCheckpoint };
}

interface Steady {
  cpuPerPlayer: number;
  /** Requests the nodes sent to Redis, per player per second. */
  requestsPerPlayerS: number | null;
  /** Commands Redis ran (inside scripts too), per player per second. */
  cmdsPerPlayerS: number | null;
}

/** Cluster nodes and single processes over the same window. */
async function steadyState(
  cluster: { pids: number[]; players: number },
  single: { pids: number[]; players: number },
  redisCounts: () => Promise<{ requests: number; commands: number }>,
): Promise<Steady & { singleCpuPerPlayer: number }> {
  const all = [...cluster.pids, ...single.pids];
  const cpu0 = all.map(cpuSeconds);
  const bench0 = process.cpuUsage();
  const c0 = await redisCounts();
  const t0 = performance.now();
  await sleep(MEASURE_S * 1000);
  const s = (performance.now() - t0) / 1000;
  const used = all.map((p, i) => (cpuSeconds(p) - cpu0[i]!) / s);
  const clusterCpu = used.slice(0, cluster.pids.length).reduce((a, b) => a + b, 0);
  const singleCpu = used.slice(cluster.pids.length).reduce((a, b) => a + b, 0);
  const c1 = await redisCounts();
  const bench = process.cpuUsage(bench0);
  const req = (c1.requests - c0.requests) / s / cluster.players;
  const cmd = (c1.commands - c0.commands) / s / cluster.players;
  log(`cluster: ${cluster.players} players on ${cluster.pids.length} nodes, CPU ${clusterCpu.toFixed(3)} s/s (${((clusterCpu / cluster.players) * 1000).toFixed(2)} ms/s per player); Redis per player per second: ${req.toFixed(3)} requests, ${cmd.toFixed(3)} commands run`);
  log(`single processes: ${single.players} players in ${single.pids.length} processes, CPU ${singleCpu.toFixed(3)} s/s (${((singleCpu / single.players) * 1000).toFixed(2)} ms/s per player); the bots' own process ${((bench.user + bench.system) / 1e6 / s).toFixed(2)} s/s`);
  return { cpuPerPlayer: clusterCpu / cluster.players, requestsPerPlayerS: req, cmdsPerPlayerS: cmd, singleCpuPerPlayer: singleCpu / single.players };
}

/** The nodes' own count of Redis requests (their /metrics). */
async function nodeRequests(cluster: TestCluster): Promise<number> {
  let n = 0;
  for (const node of cluster.nodes) {
    const text = await (await fetch(`${node.httpUrl}/metrics`, { headers: { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` } })).text();
    n += Number(/^tether_cluster_redis_commands_total (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return n;
}

// ---- single process (the yardstick) ---------------------------------------------------------

/**
 * The yardstick: three single-process servers side by side, each with one node's share of the
 * cluster (BOTS / 3 players in two worlds). They run at the same time as the cluster and are
 * measured in the same window, so both see the same machine (this shared machine's speed drifts
 * by tens of percent from one minute to the next); only the cluster's own work differs.
 */
async function startSingleProcesses(): Promise<{ pids: number[]; bots: Bot[]; stop: () => Promise<void> }> {
  const main = await ensureServerBuilt();
  const procs: Array<{ proc: ChildProcess; dir: string; url: string }> = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tether-bench-single-'));
    const port = await freePort();
    const proc = spawn(process.execPath, [main, '--port', String(port), '--db', join(dir, 'single.sqlite'), '--public-dir', dir, '--max-conns-per-ip', '10000', '--max-grace-per-ip', '10000', '--new-names-per-ip-hour', '1000000', '--joins-per-ip-minute', '1000000', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
    procs.push({ proc, dir, url: `ws://127.0.0.1:${port}/ws` });
  }
  await sleep(1500);
  const bots: Bot[] = [];
  for (const [i, p] of procs.entries()) bots.push(...makeBots(Math.round(BOTS / 3), () => [p.url], () => false, WORLDS.slice(i * 2, i * 2 + 2), `Sb${i}`));
  await until(() => allLive(bots), 30_000, 'single-process bots live');
  return {
    pids: procs.map((p) => p.proc.pid!),
    bots,
    async stop() {
      for (const b of bots) {
        b.stopTurning();
        b.c.leave();
      }
      for (const p of procs) {
        p.proc.kill('SIGTERM');
        await new Promise((resolve) => p.proc.once('exit', resolve));
        rmSync(p.dir, { recursive: true, force: true });
      }
    },
  };
}

// ---- the run ------------------------------------------------------------------------------------

const redis = await startOwnRedis();
const cluster = await startTestCluster({ name: 'bench', nodes: 3, redisUrl: redis.url, args: ['--worlds', WORLDS.join(','), '--log-level', 'info'] });
const killedAt = new Map<string, number>();
const urls = () => cluster.nodes.map((n) => n.wsUrl);
const bots = makeBots(BOTS, urls, (u) => urls().includes(u));
const stopInputs = driveInputs(bots);
let stopChat = () => {};
const results: EventResult[] = [];
let deployFreeze: number[] = [];
let redisGap: number[] = [];
let steady: Steady = { cpuPerPlayer: 0, requestsPerPlayerS: null, cmdsPerPlayerS: null };
let singleCpuPerPlayer = 0;
try {
  await until(() => allLive(bots), 60_000, 'cluster bots live');
  log(`${bots.length} bots live in ${WORLDS.length} worlds; owners: ${WORLDS.map((w) => `${w}@${cluster.ownerOf(w)?.id}`).join(' ')}`);
  stopChat = chatter(bots);
  await sleep(3000);
  const meter = newRedisClient(redis.url, () => {}, false);
  await meter.connect();
  const counts = async () => {
    const info = await meter.info('stats');
    return { requests: await nodeRequests(cluster), commands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0) };
  };
  const singles = await startSingleProcesses();
  const singleChat = chatter(singles.bots);
  const singleInputs = driveInputs(singles.bots);
  await sleep(3000);
  const cmdstats0 = await meter.info('commandstats');
  const both = await steadyState({ pids: cluster.nodes.map((n) => n.proc.pid!), players: bots.length }, { pids: singles.pids, players: singles.bots.length }, counts);
  steady = both;
  singleCpuPerPlayer = both.singleCpuPerPlayer;
  singleChat();
  singleInputs();
  await singles.stop();
  // Which commands Redis ran in the window (inside scripts too), per second.
  const calls = (info: string) => new Map([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
  const before = calls(cmdstats0);
  const after = calls(await meter.info('commandstats'));
  const rates = [...after].map(([c, n]) => [c, (n - (before.get(c) ?? 0)) / MEASURE_S] as const).filter(([, r]) => r >= 0.05).sort((a, b) => b[1] - a[1]);
  log(`Redis commands per second in the steady state: ${rates.map(([c, r]) => `${c} ${r.toFixed(1)}`).join(', ')}`);
  meter.destroy();

  for (let i = 0; i < (args['steady-only'] ? 0 : 3); i++) {
    results.push(await ownerEvent('kill', cluster, bots, WORLDS[i * 2]!, killedAt));
    await until(() => allLive(bots), 20_000, 'all live after the kill');
    await sleep(4000);
  }
  for (let i = 0; i < (args['steady-only'] ? 0 : 3); i++) {
    results.push(await ownerEvent('stop', cluster, bots, WORLDS[i * 2 + 1]!, killedAt));
    await until(() => allLive(bots), 20_000, 'all live after the stall');
    await sleep(4000);
  }

  log('rolling deploy');
  for (const b of bots) b.maxGapMs = 0;
  for (const node of args['steady-only'] ? [] : cluster.nodes) {
    await node.stop('SIGTERM');
    await node.start();
    await sleep(1500);
  }
  await until(() => allLive(bots), 20_000, 'all live after the deploy');
  await sleep(1000);
  deployFreeze = bots.map((b) => b.maxGapMs);

  log('Redis restart');
  for (const b of bots) b.maxGapMs = 0;
  if (!args['steady-only']) {
    await redis.kill();
    await sleep(3000);
    await redis.start();
    await Promise.all(cluster.nodes.map((n) => n.waitFor((l) => l.event === 'redis_reachable', 'Redis back', 15_000).catch(() => undefined)));
    await sleep(6000);
  }
  redisGap = bots.map((b) => b.maxGapMs);
  await until(() => allLive(bots), 20_000, 'all live after the Redis restart');
  stopChat();
  // Every line typed gets its answer before the count.
  await until(() => bots.every((b) => b.c.outbox.size === 0), 20_000, 'outboxes empty').catch((err: unknown) => log(String(err)));
  await sleep(2000);
} finally {
  stopChat();
  stopInputs();
}

// Chat: every line said in a world reaches every bot of that world exactly once.
let chatLost = 0;
let chatDuplicated = 0;
let linesSent = 0;
for (const b of bots) {
  const world = bots.filter((x) => x.world === b.world);
  const said = world.flatMap((x) => x.sent);
  linesSent += b.sent.length;
  const counts = new Map<string, number>();
  for (const l of b.c.chatLog) counts.set(l.text, (counts.get(l.text) ?? 0) + 1);
  for (const text of said) {
    const n = counts.get(text) ?? 0;
    if (n === 0) chatLost++;
    if (n > 1) chatDuplicated += n - 1;
  }
}
const toJoinScreen = bots.filter((b) => b.refused > 0 || b.c.rejoins > 0 || b.c.status.kind === 'stopped').length;
const violations = ownershipViolations(cluster.allLogs(), killedAt);
const doubleOwned = new Set(violations.map((v) => v.split(':')[0])).size;
for (const b of bots) {
  b.stopTurning();
  b.c.leave();
}
await sleep(500);
await cluster.close();
await redis.close();

// ---- report -------------------------------------------------------------------------------------

const p = (xs: number[], q: number) => (xs.length ? Math.round(percentile(xs, q * 100)) : null);
const kills = results.filter((r) => r.kind === 'kill');
const stops = results.filter((r) => r.kind === 'stop');
const merge = (rs: EventResult[]) => ({
  affected: rs.reduce((n, r) => n + r.affected, 0),
  resumeMs: rs.flatMap((r) => r.resumeMs),
  same: rs.reduce((n, r) => n + r.sameIdAndName, 0),
  within: rs.reduce((n, r) => n + r.withinCheckpoint, 0),
  maxDrift: Math.max(0, ...rs.map((r) => r.maxDrift)),
});
const k = merge(kills);
const s = merge(stops);
const rows: string[][] = [
  ['event', 'players affected', 'to resumed p50 / p99 ms', 'same id+name', 'position within one checkpoint (max drift)'],
  ['kill -9 x3', String(k.affected), `${p(k.resumeMs, 0.5)} / ${p(k.resumeMs, 0.99)}`, `${k.same}/${k.affected}`, `${k.within}/${k.affected} (${k.maxDrift.toFixed(1)} u)`],
  ['SIGSTOP x3', String(s.affected), `${p(s.resumeMs, 0.5)} / ${p(s.resumeMs, 0.99)}`, `${s.same}/${s.affected}`, `${s.within}/${s.affected} (${s.maxDrift.toFixed(1)} u)`],
  ['rolling deploy (freeze)', String(bots.length), `${p(deployFreeze, 0.5)} / ${p(deployFreeze, 0.99)}`, '–', '–'],
  ['Redis restart (longest gap)', String(bots.length), `${p(redisGap, 0.5)} / ${p(redisGap, 0.99)}`, '–', '–'],
];
const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
process.stdout.write('\n' + rows.map((r) => r.map((c, i) => c.padEnd(width[i]!)).join('  ')).join('\n') + '\n\n');
const cpuRatio = steady.cpuPerPlayer / singleCpuPerPlayer;
const summary = {
  bots: BOTS,
  worlds: WORLDS.length,
  nodes: 3,
  lease_ms: LEASE_MS,
  kill_resume_ms_p50: p(k.resumeMs, 0.5),
  kill_resume_ms_p99: p(k.resumeMs, 0.99),
  stop_resume_ms_p50: p(s.resumeMs, 0.5),
  stop_resume_ms_p99: p(s.resumeMs, 0.99),
  deploy_freeze_ms_p50: p(deployFreeze, 0.5),
  deploy_freeze_ms_p99: p(deployFreeze, 0.99),
  redis_restart_gap_ms_p50: p(redisGap, 0.5),
  redis_restart_gap_ms_p99: p(redisGap, 0.99),
  resumed_same_id_name: k.same + s.same,
  resumed_players: k.affected + s.affected,
  resumed_within_one_checkpoint: k.within + s.within,
  max_position_drift_units: Math.max(k.maxDrift, s.maxDrift),
  to_join_screen: toJoinScreen,
  chat_lines_sent: linesSent,
  chat_lost: chatLost,
  chat_duplicated: chatDuplicated,
  double_owned_worlds: doubleOwned,
  ownership_violations: violations,
  redis_cmds_per_player_s: steady.requestsPerPlayerS,
  redis_commands_run_per_player_s: steady.cmdsPerPlayerS,
  cpu_ms_per_player_s_cluster: steady.cpuPerPlayer * 1000,
  cpu_ms_per_player_s_single: singleCpuPerPlayer * 1000,
  cpu_per_player_ratio: cpuRatio,
};
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
process.stdout.write(
  [
    `kill -9: resumed p99 ${summary.kill_resume_ms_p99} ms (target <= 7000): ${verdict((summary.kill_resume_ms_p99 ?? Infinity) <= 7000)}`,
    `deploy freeze p99 ${summary.deploy_freeze_ms_p99} ms (target <= 300): ${verdict((summary.deploy_freeze_ms_p99 ?? Infinity) <= 300)}`,
    `to the join screen ${toJoinScreen}, chat lost ${chatLost} / duplicated ${chatDuplicated} of ${linesSent} lines x players, double-owned worlds ${doubleOwned} (targets 0): ${verdict(toJoinScreen + chatLost + chatDuplicated + doubleOwned === 0)}`,
    `Redis ${summary.redis_cmds_per_player_s?.toFixed(3)} requests per player per second from the nodes, ${summary.redis_commands_run_per_player_s?.toFixed(3)} commands run in Redis with those inside scripts (target <= 1): ${verdict((summary.redis_cmds_per_player_s ?? Infinity) <= 1)}${(summary.redis_commands_run_per_player_s ?? Infinity) <= 1 ? ', also counting inside scripts' : ''}`,
    `CPU per player on a node ${summary.cpu_ms_per_player_s_cluster.toFixed(2)} ms/s vs ${summary.cpu_ms_per_player_s_single.toFixed(2)} ms/s in single processes with a node's load = ${cpuRatio.toFixed(2)}x (target <= 1.15): ${verdict(cpuRatio <= 1.15)}`,
  ].join('\n') + '\n',
);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/cluster.json', JSON.stringify(summary, null, 2) + '\n');
process.stdout.write('wrote bench-results/cluster.json\n');
process.exit(0);
