/**
 * A PlayerPort that records what the game sends it, for driving the room without sockets. It is
 * a test double of the game's own interface (game/player-port.ts), nothing more: no socket, no
 * framing. `skipStates` makes it act like a slow reader that skips state frames.
 */
import type { LaterMessage, PlayerPort } from '../../src/server/game/player-port.js';
import type { ServerMessage } from '../../src/shared/protocol.js';
import { decodeSnapshot, type Snapshot } from '../../src/shared/snapshot-codec.js';

export type Recorded =
  | { readonly via: 'send' | 'later'; readonly msg: ServerMessage }
  | { readonly via: 'state'; readonly snapshot: Snapshot };

let nextConnId = 1;

export class RecordingPort implements PlayerPort {
  readonly connId = nextConnId++;
  closed = false;
  closeCode: number | null = null;
  closeReason = '';
  skipStates = false;
  readonly log: Recorded[] = [];

  constructor(
    readonly remoteAddress = '192.0.2.1',
    readonly addressKey = remoteAddress,
    readonly protocolVersion = 2,
  ) {}

  send(message: ServerMessage): void {
    if (this.closed) return;
    this.log.push({ via: 'send', msg: structuredClone(message) });
  }

  sendLater(message: LaterMessage): void {
    if (this.closed) return;
    const text = typeof message === 'function' ? message() : new TextDecoder().decode(message);
    this.log.push({ via: 'later', msg: JSON.parse(text) as ServerMessage });
  }

  sendState(frame: Uint8Array, ackSeq: number): boolean {
    if (this.closed || this.skipStates) return false;
    const decoded = decodeSnapshot(frame);
    if (!decoded.ok) throw new Error(`the room sent an undecodable state frame: ${decoded.detail}`);
    this.log.push({ via: 'state', snapshot: { ...decoded.value, ackSeq } });
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closeCode = code;
    this.closeReason = reason;
  }

  /** Control messages in the order they were sent, optionally of one type. */
  messages<T extends ServerMessage['t']>(type?: T): Array<Extract<ServerMessage, { t: T }>> {
    const out: ServerMessage[] = [];
    for (const r of this.log) if (r.via !== 'state' && (type === undefined || r.msg.t === type)) out.push(r.msg);
    return out as Array<Extract<ServerMessage, { t: T }>>;
  }

  last<T extends ServerMessage['t']>(type: T): Extract<ServerMessage, { t: T }> | undefined {
    return this.messages(type).at(-1);
  }

  states(): Snapshot[] {
    const out: Snapshot[] = [];
    for (const r of this.log) if (r.via === 'state') out.push(r.snapshot);
    return out;
  }
}
