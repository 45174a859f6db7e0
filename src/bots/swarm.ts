/**
 * Runs bots in worker processes and puts their figures together: the bots command and the load
 * benchmark both use it. Each worker drives up to `perProcess` bots from one event loop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BotChatReport } from './bot.js';
import { MsHistogram, RangeSet } from './stats.js';
import type { FromWorker, Progress, SwarmConfig, ToWorker } from './swarm-protocol.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface SwarmOptions extends Omit<SwarmConfig, 'firstIndex' | 'count' | 'runTag'> {
  readonly count: number;
  readonly perProcess: number;
}

export interface ChatCheck {
  sent: number;
  /** Deliveries expected by the rules and seen. */
  received: number;
  lost: number;
  duplicated: number;
  examples: string[];
}

export interface SwarmTotals {
  started: number;
  joined: number;
  live: number;
  failed: number;
  reconnects: number;
  resumed: number;
  rejoined: number;
  chatSent: number;
  chatReceived: number;
  chatDuplicated: number;
  bytesIn: number;
  bytesOut: number;
  snapshots: number;
  violations: number;
  windowMs: number;
  windowBytesIn: number;
  windowBytesOut: number;
  windowSnapshots: number;
  intervals: MsHistogram;
  rtt: MsHistogram;
  cpuMs: number;
}

export class Swarm {
  private readonly workers: ChildProcess[] = [];
  private readonly latest = new Map<number, Progress>();
  private readonly finals = new Map<number, Extract<FromWorker, { type: 'final' }>>();
  private quietWaiters: Array<() => void> = [];
  private quietCount = 0;
  private finalWaiters: Array<() => void> = [];
  readonly counts: number[] = [];
  readonly runTag = Date.now().toString(36).slice(-5);

  constructor(private readonly opts: SwarmOptions) {}

  start(): void {
    const n = Math.max(1, Math.ceil(this.opts.count / this.opts.perProcess));
    let first = 0;
    for (let w = 0; w < n; w++) {
      const count = Math.floor(this.opts.count / n) + (w < this.opts.count % n ? 1 : 0);
      const child = fork(WORKER, [], { execArgv: ['--import', 'tsx', ...(process.env.TETHER_BOTS_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.TETHER_BOTS_PROFILE] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.workers.push(child);
      this.counts.push(count);
      child.on('message', (msg: FromWorker) => this.onMessage(w, msg));
      const config: SwarmConfig = { ...this.opts, firstIndex: first, count, rampPerSec: this.opts.rampPerSec / n, runTag: this.runTag };
      child.send({ type: 'start', config } satisfies ToWorker);
      first += count;
    }
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid ?? -1);
  }

  private onMessage(w: number, msg: FromWorker): void {
    if (msg.type === 'progress') this.latest.set(w, msg.progress);
    else if (msg.type === 'quiet') {
      this.quietCount++;
      if (this.quietCount === this.workers.length) for (const f of this.quietWaiters.splice(0)) f();
    } else if (msg.type === 'final') {
      this.finals.set(w, msg);
      this.latest.set(w, msg.progress);
      if (this.finals.size === this.workers.length) for (const f of this.finalWaiters.splice(0)) f();
    }
  }

  mark(): void {
    for (const w of this.workers) w.send({ type: 'mark' } satisfies ToWorker);
  }

  totals(): SwarmTotals {
    const t: SwarmTotals = {
      started: 0, joined: 0, live: 0, failed: 0, reconnects: 0, resumed: 0, rejoined: 0, chatSent: 0, chatReceived: 0, chatDuplicated: 0,
      bytesIn: 0, bytesOut: 0, snapshots: 0, violations: 0, windowMs: 0, windowBytesIn: 0, windowBytesOut: 0, windowSnapshots: 0,
      intervals: new MsHistogram(), rtt: new MsHistogram(), cpuMs: 0,
    };
    for (const p of this.latest.values()) {
      t.started += p.started;
      t.joined += p.joined;
      t.live += p.live;
      t.failed += p.failed;
      t.reconnects += p.reconnects;
      t.resumed += p.resumed;
      t.rejoined += p.rejoined;
      t.chatSent += p.chatSent;
      t.chatReceived += p.chatReceived;
      t.chatDuplicated += p.chatDuplicated;
      t.bytesIn += p.bytesIn;
      t.bytesOut += p.bytesOut;
      t.snapshots += p.snapshots;
      t.violations += p.violations;
      t.windowMs = Math.max(t.windowMs, p.window.ms);
      t.windowBytesIn += p.window.bytesIn;
      t.windowBytesOut += p.window.bytesOut;
      t.windowSnapshots += p.window.snapshots;
      t.intervals.merge(p.window.intervals);
      t.rtt.merge(p.rtt);
      t.cpuMs += p.cpuUserMs + p.cpuSystemMs;
    }
    return t;
  }

  /** Stops chat and walking, waits for every sent line to be confirmed, lets delivery settle, then collects. */
  async finish(settleMs = 1500, maxQuietMs = 15_000): Promise<{ totals: SwarmTotals; chat: ChatCheck; violations: string[]; failures: string[] }> {
    this.quietCount = 0;
    const quiet = new Promise<void>((r) => this.quietWaiters.push(r));
    for (const w of this.workers) w.send({ type: 'quiesce', maxWaitMs: maxQuietMs } satisfies ToWorker);
    await quiet;
    await new Promise((r) => setTimeout(r, settleMs));
    const done = new Promise<void>((r) => this.finalWaiters.push(r));
    for (const w of this.workers) w.send({ type: 'finish' } satisfies ToWorker);
    await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
    const reports: BotChatReport[] = [];
    const violations: string[] = [];
    const failures: string[] = [];
    for (const f of this.finals.values()) {
      reports.push(...f.chat);
      violations.push(...f.violations);
      failures.push(...f.failures);
    }
    const chat = checkChat(reports);
    chat.duplicated = this.totals().chatDuplicated;
    return { totals: this.totals(), chat, violations, failures };
  }

  kill(): void {
    if (process.env.TETHER_BOTS_PROFILE) return; // let workers exit by themselves and write their profiles
    for (const w of this.workers) if (w.exitCode === null) w.kill('SIGTERM');
  }
}

/**
 * Every line a bot sent (and saw confirmed) must have reached every bot that had joined before it
 * was posted (its seq is above the bot's join seq), unless it fell outside what the server
 * replays after a long absence (excused), or the bot was still away at the end and had not got
 * that far yet.
 */
export function checkChat(reports: readonly BotChatReport[]): ChatCheck {
  const lines: Array<[string, number]> = [];
  for (const r of reports) lines.push(...r.sent);
  const out: ChatCheck = { sent: lines.length, received: 0, lost: 0, duplicated: 0, examples: [] };
  for (const r of reports) {
    if (r.joinSeq === null) continue;
    const upTo = r.live ? Infinity : r.lastSeq;
    for (const [tag, seq] of lines) {
      if (seq <= r.joinSeq || seq > upTo) continue;
      if (RangeSet.has(r.excused, seq)) continue;
      if (RangeSet.has(r.received, seq)) out.received++;
      else {
        out.lost++;
        if (out.examples.length < 10) out.examples.push(`${r.name} never got line ${tag} (seq ${seq}; joined at ${r.joinSeq}, live ${r.live}, last ${r.lastSeq}, got ${JSON.stringify(r.received.filter(([a, b]) => b >= seq - 30 && a <= seq + 30))})`);
      }
    }
  }
  return out;
}
