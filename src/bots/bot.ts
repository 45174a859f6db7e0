/**
 * One headless player on the same client library as the browser: joins with a generated name,
 * wanders (holds one of 8 directions, changes it now and then), chats now and then, and checks
 * as it goes what the game promises it: a resume brings back its id and name, and chat lines
 * arrive once. Its network is the in-client simulator with the chosen profile.
 */
import { TetherClient } from '../client/core/tether-client.js';
import { createSimulatedNetwork } from '../client/core/simulated-transport.js';
import type { TransportFactory } from '../client/core/transport.js';
import { wsTransport } from '../client/node/ws-transport.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../shared/movement.js';
import type { Rng } from '../shared/rng.js';
import { systemClock } from '../shared/system-clock.js';
import { frameHeaderLength } from '../shared/ws-frame.js';
import { botName } from './names.js';
import { MsHistogram, RangeSet, utf8Length } from './stats.js';

export const EIGHT_DIRS = [DIR_UP, DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP | DIR_LEFT, DIR_UP | DIR_RIGHT, DIR_DOWN | DIR_LEFT, DIR_DOWN | DIR_RIGHT];
const REPLAY_LIMIT = 500;
const CHAT_TAG = /#b([a-z0-9]+)\.(\d+)\.(\d+)\b/;
const PHRASES = ['你好', 'hello', '有人吗', 'anyone here?', '去北边', 'going north', '哈哈', 'lol', '这里好看', 'nice view', 'gg', '加油'];

export interface BotOptions {
  readonly url: string;
  readonly index: number;
  readonly rng: Rng;
  readonly profile: string;
  readonly chatEveryMs: number;
  /** Probability of a direction change per 50 ms step. */
  readonly changeP: number;
  /** Marks this run's chat lines, so lines of earlier runs (history) are not mistaken for ours. */
  readonly runTag: string;
}

/** Counters shared by the bots of one worker. */
export class SwarmCounters {
  bytesIn = 0;
  bytesOut = 0;
  framesIn = 0;
  snapshots = 0;
  readonly intervals = new MsHistogram();
  readonly rtt = new MsHistogram();
  reconnects = 0;
  resumed = 0;
  rejoined = 0;
  chatSent = 0;
  chatReceived = 0;
  chatDuplicated = 0;
  chatRejected = 0;
  readonly violations: string[] = [];

  violation(text: string): void {
    if (this.violations.length < 50) this.violations.push(text);
  }
}

export interface BotChatReport {
  readonly name: string;
  readonly joinSeq: number | null;
  readonly lastSeq: number;
  readonly live: boolean;
  readonly received: Array<[number, number]>;
  readonly excused: Array<[number, number]>;
  /** Lines this bot sent and saw echoed: [tag, seq]. */
  readonly sent: Array<[string, number]>;
  readonly unconfirmed: number;
}

export class Bot {
  client: TetherClient | null = null;
  name: string;
  id: number | null = null;
  joinSeq: number | null = null;
  failed: string | null = null;
  private attempt = 0;
  private dirs: number;
  private nextStepMs = 0;
  private nextChatMs: number;
  private chatK = 0;
  private lastSnapshotMs: number | null = null;
  private readonly received = new RangeSet();
  private readonly seenTags = new Set<string>();
  private readonly excused: Array<[number, number]> = [];
  private readonly sentSeqs = new Map<string, number>();
  private readonly saidIds = new Map<string, string>();
  moving = true;
  chatting = true;

  constructor(
    private readonly opts: BotOptions,
    private readonly counters: SwarmCounters,
  ) {
    this.name = botName(opts.rng.fork('name'), opts.index);
    this.dirs = EIGHT_DIRS[opts.rng.int(0, 7)]!;
    const now = systemClock.now();
    this.nextChatMs = now + opts.rng.range(0.2, 1) * opts.chatEveryMs;
    this.nextStepMs = now;
  }

  start(): void {
    const counted = this.countingTransport(wsTransport);
    const transport: TransportFactory =
      this.opts.profile === 'ideal' ? counted : createSimulatedNetwork(counted, { profile: this.opts.profile, seed: this.opts.rng.fork(`net.${this.attempt}`).seed, clock: systemClock }).factory;
    const c = new TetherClient({ url: this.opts.url, transport: this.timingTransport(transport), clock: systemClock, name: this.name, character: this.opts.index % 6, random: () => this.opts.rng.next() });
    this.client = c;
    c.on('welcome', (w) => {
      if (c !== this.client) return;
      if (this.id === null) {
        this.id = w.you.id;
        this.joinSeq = w.chatSeq;
      } else {
        if (w.you.id !== this.id) this.counters.violation(`${this.name}: ${w.resumed ? 'resumed' : 'rejoined'} as id ${w.you.id}, was ${this.id}`);
        if (w.you.name !== this.name) this.counters.violation(`${this.name}: ${w.resumed ? 'resumed' : 'rejoined'} under the name ${w.you.name}`);
        if (w.resumed) this.counters.resumed++;
        else this.counters.rejoined++;
        const last = c.lastChatSeq ?? this.joinSeq ?? 0;
        if (w.chatSeq - last > REPLAY_LIMIT) this.excused.push([last + 1, w.chatSeq - REPLAY_LIMIT]);
      }
    });
    c.on('refused', (code, message) => {
      if (c !== this.client) return;
      if (code === 'name_taken' && this.id === null && this.attempt < 5) {
        this.attempt++;
        this.name = botName(this.opts.rng.fork(`name.${this.attempt}`), this.opts.index, this.attempt);
        this.start();
        c.dispose();
        return;
      }
      this.failed = `${code}: ${message}`;
    });
    c.connection.on('drop', () => {
      if (this.id !== null) this.counters.reconnects++;
    });
    c.on('status', (s) => {
      if (c !== this.client) return;
      if (s.kind === 'stopped' && !this.failed && this.chatting) this.failed = `stopped: ${s.code} ${s.reason}`;
    });
    c.on('chat', (line) => {
      this.counters.chatReceived++;
      this.received.add(line.seq);
      const m = CHAT_TAG.exec(line.text);
      if (!m || m[1] !== this.opts.runTag) return;
      const tag = `${m[2]}.${m[3]}`;
      if (this.seenTags.has(tag)) {
        this.counters.chatDuplicated++;
        this.counters.violation(`${this.name}: chat line ${tag} received twice (seq ${line.seq})`);
      } else this.seenTags.add(tag);
      if (line.echo) {
        const mine = this.saidIds.get(line.echo);
        if (mine) this.sentSeqs.set(mine, line.seq);
      }
    });
    c.on('chatRejected', (id) => {
      this.counters.chatRejected++;
      this.saidIds.delete(id);
    });
    c.start();
  }

  /** Called often by the swarm's driver loop. */
  drive(nowMs: number): void {
    const c = this.client;
    if (!c) return;
    while (nowMs >= this.nextStepMs) {
      this.nextStepMs += 50;
      if (this.opts.rng.chance(this.opts.changeP)) this.dirs = EIGHT_DIRS[this.opts.rng.int(0, 7)]!;
    }
    c.setHeldDirs(this.moving ? this.dirs : 0);
    c.advance(nowMs);
    if (this.chatting && nowMs >= this.nextChatMs && c.status.kind === 'live') {
      this.nextChatMs += this.opts.chatEveryMs;
      if (nowMs > this.nextChatMs) this.nextChatMs = nowMs + this.opts.chatEveryMs;
      const tag = `${this.opts.index}.${++this.chatK}`;
      const phrase = PHRASES[this.opts.rng.int(0, PHRASES.length - 1)]!;
      const said = c.say(`${phrase} #b${this.opts.runTag}.${tag}`);
      if (said.ok) {
        this.saidIds.set(said.id, tag);
        this.counters.chatSent++;
      }
    }
  }

  get live(): boolean {
    return this.client?.status.kind === 'live';
  }

  get rttMs(): number {
    return this.client?.serverClock.rttMs ?? 0;
  }

  chatReport(): BotChatReport {
    const c = this.client;
    let unconfirmed = 0;
    for (const id of this.saidIds.keys()) if (c?.outbox.has(id)) unconfirmed++;
    return {
      name: this.name,
      joinSeq: this.joinSeq,
      lastSeq: c?.lastChatSeq ?? 0,
      live: this.live,
      received: this.received.ranges,
      excused: this.excused,
      sent: [...this.sentSeqs],
      unconfirmed,
    };
  }

  get outboxSize(): number {
    return this.client?.outbox.size ?? 0;
  }

  leave(): void {
    this.client?.leave();
  }

  /** Bytes on the wire: WebSocket frame headers included (client frames are masked). */
  private countingTransport(inner: TransportFactory): TransportFactory {
    const k = this.counters;
    return (url, protocols, handlers) => {
      const t = inner(url, protocols, {
        onOpen: (p) => handlers.onOpen(p),
        onMessage: (data) => {
          const n = typeof data === 'string' ? utf8Length(data) : data.byteLength;
          k.bytesIn += n + frameHeaderLength(n, false);
          k.framesIn++;
          handlers.onMessage(data);
        },
        onClose: (code, reason) => handlers.onClose(code, reason),
      });
      return {
        send(data) {
          const n = typeof data === 'string' ? utf8Length(data) : data.byteLength;
          k.bytesOut += n + frameHeaderLength(n, true);
          t.send(data);
        },
        close: (code, reason) => t.close(code, reason),
        get bufferedAmount() {
          return t.bufferedAmount;
        },
      };
    };
  }

  /** What the client sees after the (simulated) network: update intervals and ping round trips. */
  private timingTransport(inner: TransportFactory): TransportFactory {
    const k = this.counters;
    return (url, protocols, handlers) =>
      inner(url, protocols, {
        onOpen: (p) => {
          this.lastSnapshotMs = null;
          handlers.onOpen(p);
        },
        onMessage: (data) => {
          const now = systemClock.now();
          if (typeof data !== 'string') {
            k.snapshots++;
            if (this.lastSnapshotMs !== null) k.intervals.add(now - this.lastSnapshotMs);
            this.lastSnapshotMs = now;
          } else if (data.startsWith('{"t":"pong"')) {
            // A pong may have waited on the server for the next state frame (`held`): not network time.
            const m = /"ct":([0-9.e+-]+)/.exec(data);
            const held = /"held":([0-9.e+-]+)/.exec(data);
            if (m) k.rtt.add(now - Number(m[1]) - (held ? Number(held[1]) : 0));
          }
          handlers.onMessage(data);
        },
        onClose: (code, reason) => handlers.onClose(code, reason),
      });
  }
}
