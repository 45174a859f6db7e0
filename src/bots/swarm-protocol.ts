/** Messages between the bots command (or the load benchmark) and its worker processes. */
import type { BotChatReport } from './bot.js';

export interface SwarmConfig {
  readonly url: string;
  readonly firstIndex: number;
  readonly count: number;
  readonly profile: string;
  readonly seed: number;
  readonly chatEveryMs: number;
  readonly changeP: number;
  /** New bots per second while ramping up. */
  readonly rampPerSec: number;
  readonly runTag: string;
  /** `client`: full bots on the client library (default); `wire`: lean load generators (wire-bot.ts). */
  readonly kind?: 'client' | 'wire';
}

export type ToWorker =
  | { type: 'start'; config: SwarmConfig }
  /** Start a measurement window: window counters restart from zero. */
  | { type: 'mark' }
  /** Stop chatting (and walking); answer `quiet` once every sent line is confirmed or after maxWaitMs. */
  | { type: 'quiesce'; maxWaitMs: number }
  /** Report and leave. */
  | { type: 'finish' };

export interface Progress {
  readonly started: number;
  readonly joined: number;
  readonly live: number;
  readonly failed: number;
  readonly reconnects: number;
  readonly resumed: number;
  readonly rejoined: number;
  readonly chatSent: number;
  readonly chatReceived: number;
  readonly chatDuplicated: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly snapshots: number;
  readonly violations: number;
  /** Since the last mark. */
  readonly window: {
    readonly ms: number;
    readonly bytesIn: number;
    readonly bytesOut: number;
    readonly snapshots: number;
    readonly intervals: { bins: number[]; max: number };
  };
  readonly rtt: { bins: number[]; max: number };
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

export type FromWorker =
  | { type: 'progress'; progress: Progress }
  | { type: 'quiet'; pending: number }
  | { type: 'final'; progress: Progress; chat: BotChatReport[]; violations: string[]; failures: string[] };
