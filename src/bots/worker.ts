/**
 * A worker process of the bots command: drives its share of the bots from one event loop and
 * talks to the parent over IPC (see swarm-protocol.ts). Never imports server code.
 */
import { createRng } from '../shared/rng.js';
import { systemClock } from '../shared/system-clock.js';
import { Bot, SwarmCounters } from './bot.js';
import { WireBot } from './wire-bot.js';
import type { FromWorker, Progress, SwarmConfig, ToWorker } from './swarm-protocol.js';

const DRIVE_EVERY_MS = 20;

const counters = new SwarmCounters();
const bots: Array<Bot | WireBot> = [];
let windowStart = systemClock.now();
let windowBase = { bytesIn: 0, bytesOut: 0, snapshots: 0 };
let driver: ReturnType<typeof setInterval> | null = null;
let progressTimer: ReturnType<typeof setInterval> | null = null;
let started = 0;

function send(msg: FromWorker): void {
  process.send?.(msg);
}

function progress(): Progress {
  let joined = 0;
  let live = 0;
  let failed = 0;
  for (const b of bots) {
    if (b.id !== null) joined++;
    if (b.live) live++;
    if (b.failed) failed++;
  }
  const cpu = process.cpuUsage();
  return {
    started,
    joined,
    live,
    failed,
    reconnects: counters.reconnects,
    resumed: counters.resumed,
    rejoined: counters.rejoined,
    chatSent: counters.chatSent,
    chatReceived: counters.chatReceived,
    chatDuplicated: counters.chatDuplicated,
    bytesIn: counters.bytesIn,
    bytesOut: counters.bytesOut,
    snapshots: counters.snapshots,
    violations: counters.violations.length,
    window: {
      ms: systemClock.now() - windowStart,
      bytesIn: counters.bytesIn - windowBase.bytesIn,
      bytesOut: counters.bytesOut - windowBase.bytesOut,
      snapshots: counters.snapshots - windowBase.snapshots,
      intervals: counters.intervals.toJSON(),
    },
    rtt: counters.rtt.toJSON(),
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
  };
}

function start(config: SwarmConfig): void {
  const root = createRng(config.seed);
  const t0 = systemClock.now();
  for (let i = 0; i < config.count; i++) {
    const index = config.firstIndex + i;
    const opts = { url: config.url, index, rng: root.fork(`bot.${index}`), profile: config.profile, runTag: config.runTag, chatEveryMs: config.chatEveryMs, changeP: config.changeP };
    bots.push(config.kind === 'wire' ? new WireBot(opts, counters) : new Bot(opts, counters));
  }
  driver = setInterval(() => {
    const now = systemClock.now();
    const due = Math.min(bots.length, Math.floor(((now - t0) / 1000) * config.rampPerSec) + 1);
    while (started < due) bots[started++]!.start();
    for (let i = 0; i < started; i++) bots[i]!.drive(now);
  }, DRIVE_EVERY_MS);
  progressTimer = setInterval(() => send({ type: 'progress', progress: progress() }), 1000);
}

function quiesce(maxWaitMs: number): void {
  for (const b of bots) {
    b.chatting = false;
    b.moving = false;
  }
  const until = systemClock.now() + maxWaitMs;
  const check = () => {
    let pending = 0;
    for (const b of bots) if (b.id !== null && !b.failed) pending += b.outboxSize;
    if (pending === 0 || systemClock.now() >= until) send({ type: 'quiet', pending });
    else setTimeout(check, 100);
  };
  check();
}

function finish(): void {
  if (driver) clearInterval(driver);
  if (progressTimer) clearInterval(progressTimer);
  const failures = bots.filter((b) => b.failed || b.id === null).map((b) => `${b.name}: ${b.failed ?? 'never joined'}`);
  send({ type: 'final', progress: progress(), chat: bots.map((b) => b.chatReport()), violations: counters.violations, failures });
  for (const b of bots) b.leave();
  setTimeout(() => process.exit(0), 500).unref();
}

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      return start(msg.config);
    case 'mark':
      windowStart = systemClock.now();
      windowBase = { bytesIn: counters.bytesIn, bytesOut: counters.bytesOut, snapshots: counters.snapshots };
      counters.intervals.reset();
      counters.rtt.reset();
      return;
    case 'quiesce':
      return quiesce(msg.maxWaitMs);
    case 'finish':
      return finish();
  }
});
process.on('disconnect', () => process.exit(0));
