/**
 * Sessions: one presence of one profile in the world, reachable again through a secret resume
 * token that is good for one connection (every resume rotates it). While the player is away the
 * session is held for a grace period, then it ends.
 *
 * This is the seam a deployment across processes fills with a shared store (a resume may arrive
 * at another node than the one the player left): the calls that hand out or redeem tokens are
 * asynchronous, and `claim` checks and rotates in one step, so two connections racing with the
 * same token cannot both win.
 */
export interface Claim {
  readonly playerId: number;
  /** The new token; the one that was claimed no longer works. */
  readonly token: string;
  /** How long the session had been held for a resume (0: it was not in its grace period). */
  readonly awayMs: number;
  /**
   * Who the session is, when the registry keeps it (a shared registry): a world restored on
   * another node may not have the player's body yet and makes it from this.
   */
  readonly profile?: { readonly name: string; readonly character: number };
}

/** The player a session is for. */
export interface SessionPlayer {
  readonly id: number;
  readonly name: string;
  readonly character: number;
}

export interface SessionRegistry {
  /** Starts a session for a player, ending any earlier one, and returns its first token. */
  open(player: SessionPlayer): Promise<string>;
  /** Redeems a token: its session with a rotated token, or undefined (unknown, expired, used). */
  claim(token: string): Promise<Claim | undefined>;
  /** Replaces a live session's token (a takeover from another tab); undefined when it has none. */
  rotate(playerId: number): Promise<string | undefined>;
  /**
   * The player's connection dropped: the session stays claimable for `graceMs`, then it ends and
   * `onExpired` runs. A claim or close before then cancels it.
   */
  hold(playerId: number, graceMs: number, onExpired: () => void): void;
  /** Ends a session at once (the player left). */
  close(playerId: number): void;
  /**
   * This process stops: no grace period expires here any more. A shared registry keeps the
   * sessions, so players can resume wherever the world runs next.
   */
  shutdown(): void;
}
