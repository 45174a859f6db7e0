/**
 * One direction of a proxied connection: reads from `src`, asks the decision engine when each
 * slice may arrive, and writes it to `dst` at that time. A FIFO queue plus one timer, so bytes are
 * never reordered, and the only ways out are "late" or "not at all" (the connection dies): never
 * "different".
 *
 * Backpressure is real: when more than about a second of bandwidth is queued, `src` is paused, so
 * the sender's TCP window fills as it would behind a slow link instead of the proxy buffering
 * unbounded memory.
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { sliceBytesFor, type DirectionEngine } from '../shared/netsim-engine.js';

export type PipeEventSink = (event: string, fields?: Record<string, unknown>) => void;

export interface PipeOptions {
  readonly direction: 'up' | 'down';
  readonly src: Socket;
  readonly dst: Socket;
  readonly engine: DirectionEngine;
  readonly clock: Clock;
  /** Proxy-wide silence (black hole): when it ends (Infinity = until told), or null when not silent. */
  readonly silentUntil: (nowMs: number) => number | null;
  readonly dstReady: () => boolean;
  readonly onEvent: PipeEventSink;
  /** Called once when the FIN has been forwarded to dst. */
  readonly onFinForwarded: () => void;
}

interface Item {
  readonly releaseMs: number;
  /** null = the FIN. */
  readonly data: Buffer | null;
}

/** Timers may fire a fraction of a millisecond before performance.now() says they are due. */
const TIMER_SLACK_MS = 1;

export class PipeScheduler {
  bytesIn = 0;
  bytesOut = 0;
  private queue: Item[] = [];
  private head = 0;
  private queuedBytes = 0;
  private timer: TimerHandle | null = null;
  private timerAtMs = Infinity;
  private waitingDrain = false;
  private paused = false;
  private held = false;
  private stopped = false;
  private silencedUntilMs = -Infinity;
  private cut: { fraction: number; done: () => void } | null = null;

  constructor(private readonly o: PipeOptions) {
    o.src.on('data', (chunk: Buffer) => this.onData(chunk));
    o.src.on('end', () => this.onEnd());
  }

  get queued(): number {
    return this.queuedBytes;
  }

  /** Live profile switch: new chunks use the new profile; queued ones keep their times. */
  setProfile(profile: DirectionEngine['profile'], nowMs: number): void {
    this.o.engine.setProfile(profile, nowMs);
    this.updateFlow();
    this.pump();
  }

  /** Stop forwarding (slow close): bytes stay queued, sockets stay open. */
  hold(): void {
    this.held = true;
    this.clearTimer();
  }

  /** Forward only `fraction` of the next data slice, then call done (cut mid-frame). */
  armCut(fraction: number, done: () => void): void {
    this.cut = { fraction, done };
    this.pump();
  }

  /** Forget everything queued; the connection is going away. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  pump(): void {
    if (this.stopped || this.held) return;
    this.clearTimer();
    const now = this.o.clock.now();
    const silentUntil = this.o.silentUntil(now);
    if (silentUntil !== null) {
      if (silentUntil > this.silencedUntilMs && this.head < this.queue.length) {
        this.silencedUntilMs = silentUntil;
        this.o.onEvent('silenced', { dir: this.o.direction, untilMs: Number.isFinite(silentUntil) ? Math.round(silentUntil) : null });
      }
      if (Number.isFinite(silentUntil)) this.armTimer(silentUntil, now);
      return;
    }
    if (!this.o.dstReady() || this.waitingDrain) return;
    while (this.head < this.queue.length) {
      const item = this.queue[this.head]!;
      if (item.releaseMs > now + TIMER_SLACK_MS) break;
      this.head++;
      if (item.data === null) {
        this.o.dst.end();
        this.o.onFinForwarded();
        continue;
      }
      this.queuedBytes -= item.data.length;
      if (this.cut) {
        const cut = this.cut;
        this.cut = null;
        const n = Math.max(1, Math.min(item.data.length - 1, Math.floor(item.data.length * cut.fraction)));
        this.o.dst.write(item.data.subarray(0, n));
        this.bytesOut += n;
        this.o.onEvent('cut', { dir: this.o.direction, forwarded: n, of: item.data.length });
        cut.done();
        return;
      }
      this.bytesOut += item.data.length;
      if (!this.o.dst.write(item.data)) {
        this.waitingDrain = true;
        this.o.dst.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.updateFlow();
    if (!this.waitingDrain && this.head < this.queue.length) this.armTimer(this.queue[this.head]!.releaseMs, now);
  }

  private onData(chunk: Buffer): void {
    if (this.stopped) return;
    this.bytesIn += chunk.length;
    const now = this.o.clock.now();
    const slice = sliceBytesFor(this.o.engine.profile);
    for (let off = 0; off < chunk.length; off += slice) {
      const part = chunk.subarray(off, Math.min(chunk.length, off + slice));
      const d = this.o.engine.schedule(now, part.length);
      if (d.stall) this.o.onEvent('stall', { dir: this.o.direction, ms: Math.round(d.stall.endMs - d.stall.startMs), inMs: Math.round(d.stall.startMs - now) });
      this.queue.push({ releaseMs: d.releaseMs, data: part });
      this.queuedBytes += part.length;
    }
    this.updateFlow();
    if (!this.timer || this.timerAtMs > this.queue[this.head]!.releaseMs) this.pump();
  }

  private onEnd(): void {
    if (this.stopped) return;
    const d = this.o.engine.schedule(this.o.clock.now(), 0);
    this.queue.push({ releaseMs: d.releaseMs, data: null });
    this.pump();
  }

  private highWaterBytes(): number {
    const bw = this.o.engine.profile.bandwidthBytesPerSec;
    return bw > 0 ? 64 * 1024 + bw : 1024 * 1024;
  }

  private updateFlow(): void {
    const high = this.highWaterBytes();
    if (!this.paused && this.queuedBytes > high) {
      this.paused = true;
      this.o.src.pause();
    } else if (this.paused && this.queuedBytes <= high / 2) {
      this.paused = false;
      this.o.src.resume();
    }
  }

  private armTimer(atMs: number, nowMs: number): void {
    this.clearTimer();
    this.timerAtMs = atMs;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      this.timerAtMs = Infinity;
      this.pump();
    }, Math.max(0, atMs - nowMs));
  }

  private clearTimer(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAtMs = Infinity;
  }
}
