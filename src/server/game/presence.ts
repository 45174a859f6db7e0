/**
 * Presence: what everyone is told when someone arrives, drops, comes back or leaves. Goes out
 * through the fan-out, so it reaches the whole world however the world is spread.
 */
import type { PlayerInfo } from '../../shared/protocol.js';
import type { FanOut } from './fan-out.js';

export type LeaveReason = 'closed' | 'grace_expired' | 'shutdown';

export class Presence {
  constructor(private readonly fanOut: FanOut) {}

  /** A new player, or one that took its seat over from another tab (new name or character). */
  joined(player: PlayerInfo): void {
    this.fanOut.publish({ t: 'joined', player }, player.id);
  }

  /** An away player is back on a connection. */
  live(id: number): void {
    this.fanOut.publish({ t: 'presence', id, state: 'live' }, id);
  }

  /** A player's connection dropped; its seat is held for the grace period. */
  reconnecting(id: number): void {
    this.fanOut.publish({ t: 'presence', id, state: 'reconnecting' });
  }

  left(id: number, reason: LeaveReason): void {
    this.fanOut.publish({ t: 'left', id, reason });
  }
}
