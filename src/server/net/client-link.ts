/**
 * One WebSocket connection as the game sees it: send paths with backpressure rules, liveness
 * bookkeeping, and the player it carries once joined.
 *
 * Backpressure: a world-state frame is superseded by the next one, so when the socket's send
 * buffer is above STATE_SKIP_BYTES the frame is skipped (the client catches up from the next
 * full state). Control messages (chat, presence) are never skipped; if the buffer still grows
 * past CONTROL_LIMIT_BYTES the reader is hopeless and the connection is closed with a reason,
 * so one slow reader cannot grow the server's memory.
 */
import type { WebSocket } from 'ws';
import { CloseCode, closeReason } from '../../shared/close-codes.js';
import { encodeMessage, type ServerMessage } from '../../shared/protocol.js';

export const STATE_SKIP_BYTES = 64 * 1024;
export const CONTROL_LIMIT_BYTES = 512 * 1024;

export class ClientLink {
  playerId: number | null = null;
  joining = false;
  closed = false;
  lastHeardMs: number;
  statesSkipped = 0;
  bytesOut = 0;
  /** Set when this link must ship a full snapshot next (after a skip, on join). */
  needsFullState = true;

  constructor(
    readonly connId: number,
    readonly remoteAddress: string,
    private readonly ws: WebSocket,
    nowMs: number,
  ) {
    this.lastHeardMs = nowMs;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(message: ServerMessage): void {
    if (this.closed) return;
    const text = encodeMessage(message);
    this.bytesOut += text.length;
    this.ws.send(text);
    if (this.ws.bufferedAmount > CONTROL_LIMIT_BYTES) {
      this.close(CloseCode.SlowReader, 'slow reader: send buffer over limit');
    }
  }

  /** Returns false when the frame was skipped for backpressure. */
  sendState(frame: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.ws.bufferedAmount > STATE_SKIP_BYTES) {
      this.statesSkipped++;
      this.needsFullState = true;
      return false;
    }
    this.bytesOut += frame.length;
    this.ws.send(frame);
    return true;
  }

  ping(): void {
    if (!this.closed) this.ws.ping();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, closeReason(reason));
    // A peer that never answers the close handshake (black hole) must not keep the socket.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /** Drops the TCP connection without a close handshake (the link is already dead). */
  terminate(): void {
    this.closed = true;
    this.ws.terminate();
  }
}
