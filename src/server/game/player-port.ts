/**
 * How the game reaches one connected player. The game owns this interface and the network layer
 * implements it (net/client-link.ts); the room is handed a port once per connection and never
 * sees a socket, a frame header or a state writer.
 */
import type { ServerMessage } from '../../shared/protocol.js';

/** A control message for `sendLater`: UTF-8 bytes encoded once for many recipients, or made when it leaves. */
export type LaterMessage = Uint8Array | (() => string);

export interface PlayerPort {
  /** For logs and metrics only. */
  readonly connId: number;
  readonly remoteAddress: string;
  /** The unit per-address limits count (an IPv4 address or an IPv6 /64; net/client-address.ts). */
  readonly addressKey: string;
  /** The protocol version the connection speaks (tether.1 has no `roster` message). */
  readonly protocolVersion: number;
  /** True once either side closed the connection: whatever is sent now goes nowhere. */
  readonly closed: boolean;
  /** Sends at once, after anything queued with sendLater (order is kept). Never skipped. */
  send(message: ServerMessage): void;
  /** Queues a control message to leave with this player's next state frame, in the same write. */
  sendLater(message: LaterMessage): void;
  /**
   * Sends a tick's state frame, shared by all recipients, with this player's ackSeq in its copy.
   * Returns false when the frame was skipped because the player reads too slowly: the next frame
   * it gets must then be a full one.
   */
  sendState(frame: Uint8Array, ackSeq: number): boolean;
  close(code: number, reason: string): void;
}
