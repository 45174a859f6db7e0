/**
 * The room's records: a Member per player in the world (live or away), and a Visit per
 * connection the room has heard from. State about a session lives here, owned by the room, not on
 * the socket wrapper: the network layer only carries bytes.
 */
import type { PlayerPort } from './player-port.js';
import type { Recipient } from './state-broadcaster.js';

export interface Member extends Recipient {
  readonly id: number;
  name: string;
  character: number;
  /** How the player is reached; null while it is away (its grace period). */
  port: PlayerPort | null;
  /** The address key of its latest connection: bodies in grace are counted by it (limits/grace-ledger.ts). */
  address: string;
}

export interface Visit {
  /** The player this connection carries, once welcomed; null after a takeover or before joining. */
  member: Member | null;
  /** A hello or resume is being decided (storage, sessions): a second one is refused. */
  joining: boolean;
  /** Wrong passwords sent on this connection (admission.ts). */
  badPasswords: number;
}
