/**
 * Bounds on raw TCP connections to the HTTP port, before they become a request or a WebSocket:
 *
 * - a global cap (node's `server.maxConnections`: over it a connection is closed at accept,
 *   before any JavaScript object exists for it), derived from the descriptor limit
 *   (descriptor-limit.ts) so the server never runs out of descriptors for itself;
 * - a per-address cap (IPv4 address or IPv6 /64) on all connections, HTTP and WebSocket alike,
 *   so one address cannot take the global cap alone; trusted proxies are exempt (everyone comes
 *   through them; the WebSocket limit per forwarded address still holds behind them);
 * - a deadline for the first request: a connection that sends nothing, or trickles its headers,
 *   is closed after `firstRequestMs`. Later requests on a kept-alive connection are bounded by
 *   node's own keepAliveTimeout / headersTimeout / requestTimeout (set in tether-server.ts).
 *
 * Upgraded sockets stay counted here until they close: a WebSocket holds a descriptor too.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { systemClock } from '../../shared/system-clock.js';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { BurstLog } from '../burst-log.js';
import { addressKey, type ProxyTrust } from './client-address.js';

export interface ConnectionGuardOptions {
  readonly maxConnections: number;
  readonly maxPerAddress: number;
  readonly firstRequestMs: number;
}

export type RefusalReason = 'server_full' | 'address_full' | 'first_request_timeout';

export class ConnectionGuard {
  private readonly perAddress = new Map<string, number>();
  private readonly firstRequestTimers = new WeakMap<Socket, TimerHandle>();
  private readonly refusals: BurstLog;
  open = 0;
  readonly refused: Record<RefusalReason, number> = { server_full: 0, address_full: 0, first_request_timeout: 0 };
  /** Metrics hook (set by tether-server). */
  onRefused: ((reason: RefusalReason) => void) | null = null;

  constructor(
    private readonly opts: ConnectionGuardOptions,
    private readonly trust: ProxyTrust,
    logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.refusals = new BurstLog(logger, 'warn', 'connections_refused', undefined, clock);
  }

  get maxConnections(): number {
    return this.opts.maxConnections;
  }

  attach(server: Server): void {
    server.maxConnections = this.opts.maxConnections;
    // Emitted by node for each connection closed at accept because of maxConnections.
    server.on('drop', (data?: { remoteAddress?: string }) => this.refuse('server_full', data?.remoteAddress ?? 'unknown'));
    server.prependListener('connection', (socket: Socket) => this.accepted(socket));
  }

  /** The first request (or upgrade) on `socket` has arrived whole: its deadline is met. */
  requestStarted(socket: Socket): void {
    const timer = this.firstRequestTimers.get(socket);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    this.firstRequestTimers.delete(socket);
  }

  private accepted(socket: Socket): void {
    const peer = socket.remoteAddress ?? 'unknown';
    const key = addressKey(peer);
    const count = this.perAddress.get(key) ?? 0;
    if (count >= this.opts.maxPerAddress && !this.trust.trusts(peer)) {
      this.refuse('address_full', key);
      socket.destroy();
      return;
    }
    this.open++;
    this.perAddress.set(key, count + 1);
    const timer = this.clock.setTimeout(() => {
      this.firstRequestTimers.delete(socket);
      if (socket.destroyed) return;
      this.refuse('first_request_timeout', key);
      socket.destroy();
    }, this.opts.firstRequestMs);
    this.firstRequestTimers.set(socket, timer);
    socket.once('close', () => {
      this.open--;
      this.clock.clearTimeout(timer);
      const left = (this.perAddress.get(key) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(key);
      else this.perAddress.set(key, left);
    });
  }

  private refuse(reason: RefusalReason, key: string): void {
    this.refused[reason]++;
    this.onRefused?.(reason);
    this.refusals.note(reason, { reason, lastAddr: key, server_full: this.refused.server_full, address_full: this.refused.address_full, first_request_timeout: this.refused.first_request_timeout });
  }

  close(): void {
    this.refusals.flush();
  }
}
