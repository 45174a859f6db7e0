/**
 * The network boundary: WebSocket upgrades (origin and per-address checks), per-connection
 * liveness, and the one place where inbound frames are decoded and validated (text frames as JSON
 * messages, binary frames as the compact input of input-codec.ts). Nothing malformed
 * gets past handleFrame; an exception while handling one client's message closes that client
 * only.
 *
 * Liveness: any frame or pong counts as life; after deadAfterMs of silence the socket is
 * terminated (no close handshake: the peer is unreachable) and the player enters the grace
 * period. Every heartbeatMs, a connection that has been silent for a heartbeat gets a
 * protocol-level ping. Browsers answer those even in background tabs whose timers are throttled,
 * so a slow tab is not mistaken for a dead one. Our clients send their own ping every second (and
 * inputs while moving) and report their RTT in it, so a healthy link costs no server pings.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode } from '../../shared/close-codes.js';
import type { Clock } from '../../shared/clock.js';
import { repeat, type Repeating } from '../../shared/repeat.js';
import { MAX_FRAME_BYTES } from '../../shared/limits.js';
import { ACCEPTED_VERSIONS, decodeClientMessage, encodeMessage, type ClientMessage } from '../../shared/protocol.js';
import { decodeInputFrame } from '../../shared/input-codec.js';
import { parseResumeOffer } from '../../shared/resume-offer.js';
import type { Lobby } from '../game/lobby.js';
import type { Logger } from '../logger.js';
import { ClientLink } from './client-link.js';
import { addressKey } from './client-address.js';
import { directStateWriter, type StateWriter } from './state-writer.js';

export interface GatewayOptions {
  readonly helloTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly deadAfterMs: number;
  /** Per client address (addressKey: an IPv4 address or IPv6 /64), loopback included. */
  readonly maxConnectionsPerAddress: number;
  /** The client's address (client-address.ts: the peer, or what a trusted proxy says). */
  readonly addressOf: (req: IncomingMessage) => string;
  readonly allowedOrigins: readonly string[];
  /** More origins allowed at the moment (a cluster's nodes: a page from one opens its socket on another). */
  readonly originAllowed?: (origin: string) => boolean;
  /** Messages per second one connection may send before it counts as a flood. */
  readonly maxMessagesPerSecond: number;
  /** How the links write state frames (default: socket.write each); flushed after each tick. */
  readonly stateWriter?: StateWriter;
}

/** RFC 6455's "message too big", the code ws uses for its own hard cut too. */
const MESSAGE_TOO_BIG = 1009;

export class Gateway {
  private readonly wss: WebSocketServer;
  readonly links = new Set<ClientLink>();
  private readonly perAddress = new Map<string, number>();
  private nextConnId = 1;
  private heartbeat: Repeating | null = null;
  rejected = 0;
  /** Metrics hooks (set by tether-server). */
  metrics: { rtt(ms: number): void; rejected(reason: string): void; linkClosed(bytesOut: number): void } | null = null;

  constructor(
    private readonly opts: GatewayOptions,
    private readonly lobby: Lobby,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      // Hard cut, applied while the frame is still arriving (close 1009 without a reason). Frames
      // between MAX_FRAME_BYTES and this are refused in the message handler with a reason.
      maxPayload: MAX_FRAME_BYTES * 4,
      perMessageDeflate: false,
      // Pick the newest version both speak; if the client speaks only another tether version,
      // still accept it so we can close with a clear reason instead of a failed handshake the
      // browser cannot explain (and so with none: no subprotocol in the answer, then 4000).
      handleProtocols: (protocols) => {
        for (const v of ACCEPTED_VERSIONS) if (protocols.has(`tether.${v}`)) return `tether.${v}`;
        for (const p of protocols) if (p.startsWith('tether.')) return p;
        return false;
      },
    });
  }

  start(): void {
    this.heartbeat = repeat(this.clock, this.opts.heartbeatMs, () => this.checkLiveness());
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      this.upgrade(req, socket, head);
    } catch (err) {
      this.logger.log('error', 'upgrade_failed', { addr: req.socket.remoteAddress, err: err instanceof Error ? err.stack : String(err) });
      socket.destroy();
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A request target the URL parser rejects (e.g. "//[") must be a 400, not an exception:
    // this runs in an 'upgrade' listener, where a throw would take the whole process down.
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://x').pathname;
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    if (pathname !== '/ws') return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (origin && !this.originAllowed(origin, req.headers.host)) {
      this.logger.log('warn', 'upgrade_refused', { reason: 'origin', origin });
      return refuse(socket, 403, 'Forbidden origin');
    }
    const addr = this.opts.addressOf(req);
    const key = addressKey(addr);
    const count = this.perAddress.get(key) ?? 0;
    if (count >= this.opts.maxConnectionsPerAddress) {
      this.logger.log('warn', 'upgrade_refused', { reason: 'too_many_connections', addr: key, count });
      return refuse(socket, 429, 'Too many connections from this address');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, addr, key));
  }

  private accept(ws: WebSocket, req: IncomingMessage, addr: string, key: string): void {
    const link: ClientLink = new ClientLink(this.nextConnId++, addr, ws, this.clock, this.logger, this.opts.stateWriter ?? directStateWriter, () => this.lobby.playerIdOf(link), key);
    this.links.add(link);
    this.perAddress.set(key, (this.perAddress.get(key) ?? 0) + 1);
    let windowStart = this.clock.now();
    let windowCount = 0;
    /** The protocol version this connection speaks (from the selected subprotocol; NaN: none). */
    const version = ws.protocol.startsWith('tether.') ? Number(ws.protocol.slice('tether.'.length)) : Number.NaN;
    link.protocolVersion = version;

    ws.on('message', (data: RawData, isBinary: boolean) => {
      // Once we have decided to close a connection (flood, violation, slow reader, kick), nothing
      // more it sends is handled: no game effect, and one log line per offence, not per frame.
      if (link.closed) return;
      link.lastHeardMs = this.clock.now();
      const now = link.lastHeardMs;
      if (now - windowStart >= 1000) {
        windowStart = now;
        windowCount = 0;
      }
      if (++windowCount > this.opts.maxMessagesPerSecond) {
        return this.violation(link, CloseCode.Flood, `flood: more than ${this.opts.maxMessagesPerSecond} messages per second`);
      }
      const bytes = rawLength(data);
      if (bytes > MAX_FRAME_BYTES) return this.violation(link, MESSAGE_TOO_BIG, `frame too large: ${bytes} bytes, the limit is ${MAX_FRAME_BYTES}`);
      if (isBinary) return this.handleBinary(link, data);
      this.handleFrame(link, rawToString(data), version);
    });
    ws.on('pong', (payload: Buffer) => {
      link.lastHeardMs = this.clock.now();
      if (link.reads.answered(payload)) return;
      if (link.pingSentMs > 0) {
        link.rttMs = link.lastHeardMs - link.pingSentMs;
        link.pingSentMs = 0;
        this.metrics?.rtt(link.rttMs);
      }
    });
    ws.on('error', (err: Error & { code?: string }) => {
      this.logger.log('warn', 'socket_error', { conn: link.connId, code: err.code, err: err.message });
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.links.delete(link);
      this.metrics?.linkClosed(link.bytesOut);
      const left = (this.perAddress.get(key) ?? 1) - 1;
      if (left <= 0) this.perAddress.delete(key);
      else this.perAddress.set(key, left);
      this.clock.clearTimeout(helloTimer);
      // 1000/1001 from the client, or our own Left close: the player meant to go.
      const onPurpose = !link.closed && (code === 1000 || code === 1001) || code === CloseCode.Left;
      link.ended();
      this.logger.log('debug', 'close', { conn: link.connId, code, reason: reason.toString().slice(0, 80) });
      // An event listener that throws would be an uncaught exception: contain it here.
      try {
        this.lobby.disconnected(link, onPurpose, code);
      } catch (err) {
        this.logger.log('error', 'disconnect_failed', { conn: link.connId, err: err instanceof Error ? err.stack : String(err) });
      }
    });

    const helloTimer = this.clock.setTimeout(() => {
      if (this.lobby.playerIdOf(link) === null && !link.closed) this.violation(link, CloseCode.HelloTimeout, 'no hello within the time limit');
    }, this.opts.helloTimeoutMs);

    if (!ACCEPTED_VERSIONS.includes(version)) {
      const speaks = ACCEPTED_VERSIONS.map((v) => `tether.${v}`).join(' and ');
      return this.violation(link, CloseCode.VersionMismatch, `protocol version mismatch: server speaks ${speaks}, client offered ${ws.protocol || 'none'}`);
    }
    const offer = parseResumeOffer(protocolsOf(req));
    if (offer) this.lobby.tryResume(link, offer).catch((err: unknown) => this.internalError(link, err));
  }

  /** The validation boundary: every inbound text frame passes here (binary ones: handleBinary). */
  private handleFrame(link: ClientLink, text: string, version: number): void {
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      const code = decoded.kind === 'unknown_type' ? CloseCode.UnknownMessage : CloseCode.ProtocolViolation;
      return this.violation(link, code, decoded.detail);
    }
    this.guard(link, () => this.dispatch(link, decoded.value, version));
  }

  /**
   * Binary frames: only the compact inputs (see input-codec.ts), the frequent message, validated
   * by hand without JSON or schema work. Anything else binary is a protocol violation (4001).
   */
  private handleBinary(link: ClientLink, data: RawData): void {
    const decoded = decodeInputFrame(rawBytes(data));
    if (!decoded.ok) return this.violation(link, CloseCode.ProtocolViolation, decoded.detail);
    try {
      this.lobby.inputRuns(link, decoded.firstSeq, decoded.runs);
    } catch (err) {
      this.internalError(link, err);
    }
  }

  private dispatch(link: ClientLink, msg: ClientMessage, version: number): void {
    switch (msg.t) {
      case 'hello':
        this.lobby.join(link, msg).catch((err: unknown) => this.internalError(link, err));
        return;
      case 'input':
        return this.lobby.inputRuns(link, msg.seq, [msg.dirs, 1]);
      case 'inputs':
        return this.lobby.input(link, msg.first, msg.dirs);
      case 'chat':
        if (this.lobby.allowChat(link, msg.id)) this.lobby.say(link, msg.id, msg.text);
        return;
      case 'ping': {
        if (msg.rtt !== undefined) {
          link.rttMs = msg.rtt;
          this.metrics?.rtt(msg.rtt);
        }
        const answeredMs = this.clock.now();
        const tick = this.lobby.tickOf(link);
        const pong = (heldMs: number) => ({ t: 'pong', id: msg.id, ct: msg.ct, st: answeredMs, tick, held: heldMs }) as const;
        // A joined link gets a state frame every tick: the pong rides in its write, saying how
        // long it waited. Before joining there is no state frame to ride with, and a tether.1
        // client does not know `held`: both are answered at once, as version 1 promised.
        if (version < 2) link.send({ t: 'pong', id: msg.id, ct: msg.ct, st: answeredMs, tick });
        else if (this.lobby.playerIdOf(link) === null) link.send(pong(0));
        else link.sendLater(() => encodeMessage(pong(Math.round(this.clock.now() - answeredMs))));
        return;
      }
      case 'leave':
        return this.lobby.leave(link);
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  private guard(link: ClientLink, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.internalError(link, err);
    }
  }

  private internalError(link: ClientLink, err: unknown): void {
    this.logger.log('error', 'handler_failed', { conn: link.connId, player: this.lobby.playerIdOf(link), err: err instanceof Error ? err.stack : String(err) });
    link.close(CloseCode.InternalError, 'internal error');
  }

  private violation(link: ClientLink, code: number, reason: string, figures: Record<string, number> = {}): void {
    this.rejected++;
    this.metrics?.rejected(closeCodeName(code));
    this.logger.log('warn', 'rejected', { conn: link.connId, player: this.lobby.playerIdOf(link), code, reason, addr: link.remoteAddress, ...figures });
    link.close(code, reason);
  }

  private checkLiveness(): void {
    const now = this.clock.now();
    for (const link of this.links) {
      // A link that also went silent is left to the liveness rule below (dead, no handshake);
      // one that keeps talking but does not read is a slow reader.
      const talking = now - link.lastHeardMs < 2 * this.opts.heartbeatMs;
      const unread = link.closed || !talking ? null : link.reads.overdue(link.bytesOut, now);
      if (unread) {
        const figures = { unreadBytes: unread.unreadBytes, waitedMs: Math.round(unread.waitedMs), bufferedBytes: link.bufferedAmount, statesSkipped: link.statesSkipped };
        this.violation(link, CloseCode.SlowReader, `slow reader: nothing read for ${(unread.waitedMs / 1000).toFixed(1)} s`, figures);
        continue;
      }
      const probe = link.closed ? null : link.reads.due(link.bytesOut, now);
      if (probe) link.probe(probe);
      if (now - link.lastHeardMs > this.opts.deadAfterMs) {
        this.logger.log('info', 'link_dead', { conn: link.connId, player: this.lobby.playerIdOf(link), silentMs: Math.round(now - link.lastHeardMs) });
        link.terminate();
      } else if (now - link.lastHeardMs >= this.opts.heartbeatMs) {
        if (link.pingSentMs === 0) link.pingSentMs = now;
        link.ping();
      }
    }
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    if (this.opts.allowedOrigins.includes('*') || this.opts.allowedOrigins.includes(origin)) return true;
    if (this.opts.originAllowed?.(origin)) return true;
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  close(): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
    for (const link of this.links) link.terminate();
    this.wss.close();
  }
}

function closeCodeName(code: number): string {
  for (const [name, value] of Object.entries(CloseCode)) if (value === code) return name;
  return String(code);
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function rawBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function protocolsOf(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return header ? header.split(',').map((s) => s.trim()) : [];
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
