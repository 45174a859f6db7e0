/**
 * Fan-out: one message to everyone in the world. The room publishes `joined`, `left`,
 * `presence` and chat lines here and never walks its players' ports itself, so a deployment
 * across processes can put a bus behind this interface (players of one world on several nodes)
 * without touching the game.
 */
import { encodeMessage, type ServerMessage } from '../../shared/protocol.js';
import type { PlayerPort } from './player-port.js';

export interface FanOut {
  /** The player is reachable through `port` from now on (join, resume, takeover). */
  attach(playerId: number, port: PlayerPort): void;
  /** The player is not reachable any more (dropped, left, replaced). Only detaches `port` if given. */
  detach(playerId: number, port?: PlayerPort): void;
  /**
   * Every reachable player except `except` gets `message` with its next state frame (one socket
   * write per player per tick). Messages reach each player in the order they were published.
   */
  publish(message: ServerMessage, except?: number): void;
}

/** Fan-out inside this process: the message is encoded once and queued on each local port. */
export class LocalFanOut implements FanOut {
  private readonly ports = new Map<number, PlayerPort>();

  attach(playerId: number, port: PlayerPort): void {
    this.ports.set(playerId, port);
  }

  detach(playerId: number, port?: PlayerPort): void {
    if (port === undefined || this.ports.get(playerId) === port) this.ports.delete(playerId);
  }

  publish(message: ServerMessage, except?: number): void {
    const bytes = Buffer.from(encodeMessage(message), 'utf8');
    for (const [id, port] of this.ports) if (id !== except) port.sendLater(bytes);
  }

  get size(): number {
    return this.ports.size;
  }
}
