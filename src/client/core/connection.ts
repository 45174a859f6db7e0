/**
 * A connection that does not give up: at most one socket at a time, liveness watched from this
 * side (the browser cannot send protocol pings, and TCP alone never notices a black hole), and
 * reconnects with exponential backoff and full jitter. It knows nothing of the game; the
 * TetherClient on top says when a socket counts as live (welcome received) and when to stop.
 *
 * Silence: once nothing has arrived for deadAfterMs the socket is abandoned and a *new* one is
 * opened at once, rather than waiting for the old TCP connection to recover: data queued on it
 * can take tens of seconds to arrive after the network returns, a new connection 2-4 RTT.
 * Timers in a hidden browser tab may run late; that only delays the check, it cannot make a
 * healthy link look dead, because arrival times are taken when messages arrive.
 */
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from '../../shared/backoff.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { CloseCode, isRetryableClose } from '../../shared/close-codes.js';
import { Emitter } from './emitter.js';
import type { Transport, TransportFactory } from './transport.js';

export interface LivenessOptions {
  readonly pingEveryMs: number;
  readonly deadAfterMs: number;
  /** A socket that has not opened (and been welcomed) within this is abandoned. */
  readonly connectTimeoutMs: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { pingEveryMs: 1000, deadAfterMs: 2500, connectTimeoutMs: 5000 };

export type LinkStatus =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'live' }
  | { kind: 'reconnecting'; attempt: number; nextRetryAtMs: number | null; lastCode: number; lastReason: string }
  | { kind: 'stopped'; code: number; reason: string };

export interface ConnectionEvents {
  status: (status: LinkStatus) => void;
  open: () => void;
  message: (data: string | Uint8Array) => void;
  heartbeat: () => void;
  /** A socket ended (any reason); `silentMs` is set when it was abandoned for silence. */
  drop: (code: number, reason: string, silentMs: number | null) => void;
}

export interface ConnectionOptions {
  /** Where each attempt goes (asked again for every socket: a client may be moved or fall back). */
  readonly url: string | (() => string);
  readonly transport: TransportFactory;
  readonly clock: Clock;
  readonly random: () => number;
  /** Called for every attempt: the subprotocols to offer (the resume offer may change). */
  readonly protocols: () => string[];
  readonly backoff?: BackoffOptions;
  readonly liveness?: LivenessOptions;
}

export class ReconnectingConnection extends Emitter<ConnectionEvents> {
  status: LinkStatus = { kind: 'connecting', attempt: 0 };
  lastHeardMs = 0;
  /** Sockets opened over this connection's life, for tests and the debug overlay. */
  socketsOpened = 0;
  private transport: Transport | null = null;
  private isOpen = false;
  private attempt = 0;
  private retryTimer: TimerHandle | null = null;
  private watchdog: TimerHandle | null = null;
  private connectStartedMs = 0;
  private lastPingMs = 0;
  private minNextDelayMs = 0;
  /** Whether the current socket opened (false when it closed while connecting). */
  private opened = false;
  private readonly backoff: BackoffOptions;
  private readonly liveness: LivenessOptions;

  constructor(private readonly opts: ConnectionOptions) {
    super();
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.liveness = opts.liveness ?? DEFAULT_LIVENESS;
  }

  get live(): boolean {
    return this.status.kind === 'live';
  }

  get openSockets(): number {
    return this.transport ? 1 : 0;
  }

  start(): void {
    if (this.status.kind === 'stopped') return;
    this.openSocket();
  }

  send(data: string | Uint8Array): boolean {
    if (!this.transport || !this.isOpen) return false;
    this.transport.send(data);
    return true;
  }

  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0;
  }

  /** The game says this socket is in business (welcome received): reset the backoff. */
  markLive(): void {
    this.attempt = 0;
    this.setStatus({ kind: 'live' });
  }

  /**
   * The server said the world is on another node (`moved`): this socket is let go and one to
   * wherever `url` now points opens at once, without backoff (being sent on is not a failure).
   */
  moveNow(): void {
    if (this.status.kind === 'stopped') return;
    if (this.retryTimer) this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setStatus({ kind: 'reconnecting', attempt: this.attempt, nextRetryAtMs: null, lastCode: CloseCode.Moved, lastReason: 'moved' });
    this.openSocket();
  }

  /** Whether the socket that dropped last had opened before it did (false: it never connected). */
  get lastSocketOpened(): boolean {
    return this.opened;
  }

  /** The server asked for a pause before reconnecting (restart, overload). */
  delayNextRetry(ms: number): void {
    this.minNextDelayMs = ms;
  }

  /** Reconnect now if waiting (the browser went online, the user pressed "retry now"). */
  retryNow(): void {
    if (this.status.kind !== 'reconnecting' || this.retryTimer === null) return;
    this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.openSocket();
  }

  /** Check liveness immediately (a hidden tab became visible; its timers may have been asleep). */
  checkNow(): void {
    this.checkLiveness();
  }

  /** Closes for good. `code`/`reason` are what the UI shows. */
  stop(code: number, reason: string, closeCode = 1000): void {
    this.clearTimers();
    this.dropTransport(closeCode, reason);
    this.setStatus({ kind: 'stopped', code, reason });
  }

  private openSocket(): void {
    this.dropTransport(CloseCode.ClientReconnecting, 'reconnecting');
    const attempt = this.attempt;
    if (this.status.kind !== 'reconnecting') this.setStatus({ kind: 'connecting', attempt });
    else this.setStatus({ ...this.status, attempt, nextRetryAtMs: null });
    this.connectStartedMs = this.opts.clock.now();
    this.isOpen = false;
    // Asked before this socket counts: the answer may depend on how the last one ended.
    const url = typeof this.opts.url === 'string' ? this.opts.url : this.opts.url();
    this.opened = false;
    this.socketsOpened++;
    const transport = this.opts.transport(url, this.opts.protocols(), {
      onOpen: () => {
        if (this.transport !== transport) return;
        this.isOpen = true;
        this.opened = true;
        this.lastHeardMs = this.opts.clock.now();
        this.emit('open');
      },
      onMessage: (data) => {
        if (this.transport !== transport) return;
        this.lastHeardMs = this.opts.clock.now();
        this.emit('message', data);
      },
      onClose: (code, reason) => {
        if (this.transport !== transport) return;
        this.transport = null;
        this.isOpen = false;
        this.lost(code, reason, null);
      },
    });
    this.transport = transport;
    this.armWatchdog();
  }

  private armWatchdog(): void {
    if (this.watchdog) this.opts.clock.clearTimeout(this.watchdog);
    const every = Math.min(250, this.liveness.pingEveryMs);
    this.watchdog = this.opts.clock.setTimeout(() => {
      this.watchdog = null;
      this.checkLiveness();
      if (this.transport) this.armWatchdog();
    }, every);
  }

  private checkLiveness(): void {
    if (!this.transport) return;
    const now = this.opts.clock.now();
    if (!this.isOpen || this.status.kind !== 'live') {
      if (now - this.connectStartedMs > this.liveness.connectTimeoutMs) this.abandon('connect timed out', null);
      return;
    }
    const silent = now - this.lastHeardMs;
    if (silent > this.liveness.deadAfterMs) {
      this.abandon(`no data for ${Math.round(silent)} ms`, silent);
      return;
    }
    if (now - this.lastPingMs >= this.liveness.pingEveryMs) {
      this.lastPingMs = now;
      this.emit('heartbeat');
    }
  }

  private abandon(reason: string, silentMs: number | null): void {
    this.dropTransport(CloseCode.ClientReconnecting, reason);
    this.lost(CloseCode.ClientReconnecting, reason, silentMs);
  }

  private lost(code: number, reason: string, silentMs: number | null): void {
    this.emit('drop', code, reason, silentMs);
    if (this.status.kind === 'stopped') return;
    if (!isRetryableClose(code)) {
      this.clearTimers();
      this.setStatus({ kind: 'stopped', code, reason: reason || `closed (${code})` });
      return;
    }
    // Full jitter from the first retry on (within baseMs); a server that asked for a pause
    // gets it, spread over the same length again so its clients do not return in one burst.
    const delay = this.minNextDelayMs > 0
      ? this.minNextDelayMs * (1 + this.opts.random())
      : backoffDelayMs(this.attempt, this.opts.random, this.backoff);
    this.minNextDelayMs = 0;
    this.attempt++;
    const at = this.opts.clock.now() + delay;
    this.setStatus({ kind: 'reconnecting', attempt: this.attempt, nextRetryAtMs: at, lastCode: code, lastReason: reason });
    if (this.retryTimer) this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.opts.clock.setTimeout(() => {
      this.retryTimer = null;
      this.openSocket();
    }, delay);
  }

  private dropTransport(code: number, reason: string): void {
    const t = this.transport;
    this.transport = null;
    this.isOpen = false;
    if (t) t.close(code, reason);
  }

  private clearTimers(): void {
    if (this.retryTimer) this.opts.clock.clearTimeout(this.retryTimer);
    if (this.watchdog) this.opts.clock.clearTimeout(this.watchdog);
    this.retryTimer = null;
    this.watchdog = null;
  }

  private setStatus(status: LinkStatus): void {
    this.status = status;
    this.emit('status', status);
  }
}
