/**
 * Sessions in this process's memory (single-process mode). Only the token's sha256 is kept;
 * lookups go by that hash and are confirmed with a constant-time comparison. Grace periods run
 * on the injected clock.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { hashSecret, newSecret } from './secrets.js';
import type { Claim, SessionPlayer, SessionRegistry } from './session-registry.js';

interface Session {
  readonly playerId: number;
  tokenHash: Buffer;
  graceTimer: TimerHandle | null;
  heldSinceMs: number;
}

export class LocalSessionRegistry implements SessionRegistry {
  private readonly byTokenHash = new Map<string, Session>();
  private readonly byPlayer = new Map<number, Session>();

  constructor(private readonly clock: Clock) {}

  async open(player: SessionPlayer): Promise<string> {
    const playerId = player.id;
    this.close(playerId);
    const session: Session = { playerId, tokenHash: Buffer.alloc(0), graceTimer: null, heldSinceMs: 0 };
    this.byPlayer.set(playerId, session);
    return this.newToken(session);
  }

  async claim(token: string): Promise<Claim | undefined> {
    const hash = hashSecret(token);
    const session = this.byTokenHash.get(hash.toString('hex'));
    if (!session || !timingSafeEqual(session.tokenHash, hash)) return undefined;
    const awayMs = session.graceTimer ? this.clock.now() - session.heldSinceMs : 0;
    this.stopGrace(session);
    return { playerId: session.playerId, token: this.newToken(session), awayMs };
  }

  /** The player a token belongs to now, without spending it (which world to send it to). */
  peek(token: string): number | undefined {
    const hash = hashSecret(token);
    const session = this.byTokenHash.get(hash.toString('hex'));
    return session && timingSafeEqual(session.tokenHash, hash) ? session.playerId : undefined;
  }

  async rotate(playerId: number): Promise<string | undefined> {
    const session = this.byPlayer.get(playerId);
    if (!session) return undefined;
    this.stopGrace(session);
    return this.newToken(session);
  }

  hold(playerId: number, graceMs: number, onExpired: () => void): void {
    const session = this.byPlayer.get(playerId);
    if (!session) return;
    this.stopGrace(session);
    session.heldSinceMs = this.clock.now();
    session.graceTimer = this.clock.setTimeout(() => {
      session.graceTimer = null;
      this.close(playerId);
      onExpired();
    }, graceMs);
  }

  close(playerId: number): void {
    const session = this.byPlayer.get(playerId);
    if (!session) return;
    this.stopGrace(session);
    this.byPlayer.delete(playerId);
    this.byTokenHash.delete(session.tokenHash.toString('hex'));
  }

  shutdown(): void {
    for (const session of this.byPlayer.values()) this.stopGrace(session);
  }

  get size(): number {
    return this.byPlayer.size;
  }

  /** The old token stops working at once. */
  private newToken(session: Session): string {
    this.byTokenHash.delete(session.tokenHash.toString('hex'));
    const token = newSecret();
    session.tokenHash = hashSecret(token);
    this.byTokenHash.set(session.tokenHash.toString('hex'), session);
    return token;
  }

  private stopGrace(session: Session): void {
    if (session.graceTimer) this.clock.clearTimeout(session.graceTimer);
    session.graceTimer = null;
  }
}
