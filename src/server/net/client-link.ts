/**
 * One WebSocket connection: the network layer's PlayerPort (game/player-port.ts), with send
 * paths under backpressure rules and liveness bookkeeping. It knows nothing of players: what a
 * connection means to the game (its player, joining, password tries) is the room's record.
 *
 * Backpressure: a world-state frame is superseded by the next one, so when the socket's send
 * buffer is above STATE_SKIP_BYTES the frame is skipped (the client catches up from the next
 * full state). Control messages (chat, presence) are never skipped; if the buffer still grows
 * past CONTROL_LIMIT_BYTES the reader is hopeless and the connection is closed with a reason,
 * so one slow reader cannot grow the server's memory.
 */
import type { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { CloseCode, closeReason } from '../../shared/close-codes.js';
import { encodeMessage, type ServerMessage } from '../../shared/protocol.js';
import { SNAPSHOT_ACK_OFFSET, withAck } from '../../shared/snapshot-codec.js';
import { frameHeaderLength, Opcode, writeFrameHeader } from '../../shared/ws-frame.js';
import type { LaterMessage as PortLaterMessage, PlayerPort } from '../game/player-port.js';
import type { Logger } from '../logger.js';
import { directStateWriter, type FrameSocket, type StateWriter } from './state-writer.js';
import { ReadProbe } from './read-probe.js';

/** A control message queued for the next state frame: encoded, or encoded when it leaves. */
type LaterMessage = Buffer | (() => string);

function bytesOf(entry: LaterMessage): Buffer {
  return typeof entry === 'function' ? Buffer.from(entry(), 'utf8') : entry;
}

export const STATE_SKIP_BYTES = 64 * 1024;
/** How long a closed link waits for the peer's close frame before dropping the TCP connection. */
const CLOSE_HANDSHAKE_MS = 2000;
export const CONTROL_LIMIT_BYTES = 512 * 1024;

export class ClientLink implements PlayerPort {
  /** The protocol version the connection speaks (the gateway sets it from the subprotocol). */
  protocolVersion = 2;
  closed = false;
  lastHeardMs: number;
  statesSkipped = 0;
  /** Protocol-level ping round trip, measured by the gateway (metrics, status page). */
  rttMs: number | null = null;
  pingSentMs = 0;
  bytesOut = 0;
  /** Proof that the client reads (read-probe.ts); the gateway sends the probes and judges. */
  readonly reads = new ReadProbe();
  /** A read probe's ping payload waiting to ride with the next state frame (see probe). */
  private probeToSend: Buffer | null = null;
  /** Control messages waiting for the next state frame (see sendLater). */
  private later: LaterMessage[] = [];
  private closeTimer: TimerHandle | null = null;
  private laterChars = 0;
  /**
   * Whether sendState may frame bytes itself (see there). Only without a negotiated extension:
   * with permessage-deflate ws holds messages back while zlib works on them, and the server does
   * not use compression, so that case is not worth tracking. Fixed at the handshake.
   */
  private readonly mayFrameItself: boolean;

  constructor(
    readonly connId: number,
    readonly remoteAddress: string,
    private readonly ws: WebSocket,
    private readonly clock: Clock,
    private readonly logger?: Logger,
    /** How state frames reach the socket: written at once, or with the rest of the tick's. */
    private readonly writer: StateWriter = directStateWriter,
    /** Who this connection carries (the room knows; the link does not): log lines, probes. */
    private readonly playerOf: () => number | null = () => null,
    /** The unit per-address limits count (client-address.ts). */
    readonly addressKey: string = remoteAddress,
  ) {
    this.lastHeardMs = clock.now();
    this.mayFrameItself = ws.extensions === '';
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * Queues an already encoded control message to go out with this link's next state frame, in
   * the same socket write (chat fan-out: one write per client per tick instead of one per line).
   * Order is kept: any immediate send flushes the queue first. A function is called when the
   * message leaves (a pong that says how long it waited).
   */
  sendLater(text: string | PortLaterMessage): void {
    if (this.closed) return;
    // Encoded to UTF-8 by the caller once for all recipients, or here.
    const entry = typeof text === 'string' ? Buffer.from(text, 'utf8') : typeof text === 'function' || Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    this.later.push(entry);
    this.laterChars += typeof entry === 'function' ? 128 : entry.length;
    if (this.later.length >= 64 || this.laterChars >= 16 * 1024) this.flushLater();
  }

  /** Sends the queued messages one by one, with the slow-reader check after each. */
  private flushLater(): void {
    if (this.later.length === 0) return;
    const batch = this.later;
    this.later = [];
    this.laterChars = 0;
    for (const entry of batch) {
      if (this.closed) return;
      const text = bytesOf(entry);
      this.bytesOut += text.length;
      this.ws.send(text, { binary: false });
      if (this.ws.bufferedAmount > CONTROL_LIMIT_BYTES) {
        this.logger?.log('warn', 'rejected', { conn: this.connId, player: this.playerOf(), code: CloseCode.SlowReader, reason: 'slow reader', bufferedBytes: this.ws.bufferedAmount, statesSkipped: this.statesSkipped, addr: this.remoteAddress });
        this.close(CloseCode.SlowReader, 'slow reader: send buffer over limit');
      }
    }
  }

  send(message: ServerMessage): void {
    if (this.closed) return;
    this.flushLater();
    if (this.closed) return;
    const text = encodeMessage(message);
    this.bytesOut += text.length;
    this.ws.send(text);
    if (this.ws.bufferedAmount > CONTROL_LIMIT_BYTES) {
      this.logger?.log('warn', 'rejected', { conn: this.connId, player: this.playerOf(), code: CloseCode.SlowReader, reason: 'slow reader', bufferedBytes: this.ws.bufferedAmount, statesSkipped: this.statesSkipped, addr: this.remoteAddress });
      this.close(CloseCode.SlowReader, 'slow reader: send buffer over limit');
    }
  }

  /**
   * Sends a state frame shared by all recipients, with this recipient's ackSeq written into its
   * own copy (the shared frame is not touched). Returns false when the frame was skipped for
   * backpressure.
   */
  sendState(frame: Uint8Array, ackSeq: number): boolean {
    if (this.closed) return false;
    const buffered = this.ws.bufferedAmount;
    if (buffered > STATE_SKIP_BYTES) {
      this.flushLater();
      this.flushProbe();
      this.statesSkipped++;
      return false;
    }
    const socket = this.socket;
    // Anything queued up (a reader falling behind, or a message ws has not framed yet) goes the
    // careful way, message by message, behind it.
    if (!socket || !this.mayFrameItself || this.ws.readyState !== 1 || buffered > 0) {
      this.flushLater();
      this.flushProbe();
      this.bytesOut += frame.length;
      this.ws.send(withAck(frame, ackSeq));
      return true;
    }
    // The hot path (every client, every tick): the queued control messages and the state frame
    // are framed here (shared/ws-frame.ts) and leave in a single socket write, one syscall and no
    // per-message stream work. Safe beside ws's own writes only while ws's sender has nothing
    // queued: without an extension, and for the strings and Buffers this class hands it, ws
    // writes every frame whole and at once, so `bufferedAmount` (the socket's queue plus the
    // sender's) is 0 exactly when nothing can be overtaken. A Blob or a compressed message would
    // wait in the sender; client-link.test.ts fails if the fast path ever writes around one.
    // This reads ws internals (`_socket`, the sender's count in bufferedAmount), which is why
    // package.json pins ws to one exact version (docs/architecture.md).
    const texts = this.later.length > 0 ? this.later.map(bytesOf) : null;
    const probe = this.probeToSend;
    this.probeToSend = null;
    let size = frameHeaderLength(frame.length, false) + frame.length + (probe ? frameHeaderLength(probe.length, false) + probe.length : 0);
    if (texts) {
      this.later = [];
      this.laterChars = 0;
      for (const t of texts) size += frameHeaderLength(t.length, false) + t.length;
    }
    const out = Buffer.allocUnsafe(size);
    let o = 0;
    if (texts) {
      for (const t of texts) {
        o = writeFrameHeader(out, o, Opcode.Text, t.length);
        t.copy(out, o);
        o += t.length;
        this.bytesOut += t.length;
      }
    }
    o = writeFrameHeader(out, o, Opcode.Binary, frame.length);
    out.set(frame, o);
    out.writeUInt32BE(ackSeq >>> 0, o + SNAPSHOT_ACK_OFFSET);
    if (probe) {
      // After the state frame: its pong proves that frame was read too.
      o = writeFrameHeader(out, o + frame.length, Opcode.Ping, probe.length);
      probe.copy(out, o);
    }
    this.bytesOut += frame.length;
    // Written now, or with the rest of the tick's frames (state-writer.ts).
    this.writer.write(socket, out);
    return true;
  }

  /** The TCP socket under the WebSocket (ws keeps it as `_socket`). */
  private get socket(): FrameSocket | undefined {
    return (this.ws as unknown as { _socket?: FrameSocket })._socket;
  }

  ping(): void {
    if (!this.closed) this.ws.ping();
  }

  /**
   * Sends a read probe (read-probe.ts): a joined link gets state every tick, so the ping rides
   * in that write; before joining it goes alone.
   */
  probe(payload: Buffer): void {
    if (this.closed) return;
    if (this.playerOf() === null) this.ws.ping(payload);
    else this.probeToSend = payload;
  }

  private flushProbe(): void {
    if (!this.probeToSend) return;
    this.ws.ping(this.probeToSend);
    this.probeToSend = null;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, closeReason(reason));
    // A peer that never answers the close handshake (black hole) must not keep the socket.
    this.closeTimer = this.clock.setTimeout(() => {
      this.closeTimer = null;
      this.ws.terminate();
    }, CLOSE_HANDSHAKE_MS);
  }

  /** The socket is closed (whoever started it): nothing more is sent. */
  ended(): void {
    this.closed = true;
    this.stopCloseTimer();
  }

  private stopCloseTimer(): void {
    if (this.closeTimer !== null) this.clock.clearTimeout(this.closeTimer);
    this.closeTimer = null;
  }

  /** Drops the TCP connection without a close handshake (the link is already dead). */
  terminate(): void {
    this.closed = true;
    this.stopCloseTimer();
    this.ws.terminate();
  }
}
