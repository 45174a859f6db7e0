/**
 * Sessions: one presence of one profile in the world, reachable again through a secret resume
 * token. Only the token's sha256 is kept; lookups go by that hash and are confirmed with a
 * constant-time comparison. A token is good for one connection: every successful resume rotates
 * it. A session in its grace period carries the timer that ends it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TimerHandle } from '../../shared/clock.js';

export interface Session {
  readonly playerId: number;
  tokenHash: Buffer;
  /** Set while the player is disconnected and may still resume. */
  graceTimer: TimerHandle | null;
  graceEndsAtMs: number;
}

/** 192 random bits, base64url: comfortably above the 128-bit floor, short enough for a header. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function secretMatches(secret: string, expectedHashHex: string): boolean {
  const expected = Buffer.from(expectedHashHex, 'hex');
  const actual = hashSecret(secret);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export class SessionRegistry {
  private readonly byTokenHash = new Map<string, Session>();
  private readonly byPlayer = new Map<number, Session>();

  /** Starts a session for a player and returns its first resume token. */
  open(playerId: number): { session: Session; token: string } {
    this.close(playerId);
    const token = newSecret();
    const session: Session = { playerId, tokenHash: hashSecret(token), graceTimer: null, graceEndsAtMs: 0 };
    this.byTokenHash.set(session.tokenHash.toString('hex'), session);
    this.byPlayer.set(playerId, session);
    return { session, token };
  }

  /** Replaces a session's token; the old one stops working at once. */
  rotate(session: Session): string {
    this.byTokenHash.delete(session.tokenHash.toString('hex'));
    const token = newSecret();
    session.tokenHash = hashSecret(token);
    this.byTokenHash.set(session.tokenHash.toString('hex'), session);
    return token;
  }

  find(token: string): Session | undefined {
    const hash = hashSecret(token);
    const session = this.byTokenHash.get(hash.toString('hex'));
    if (!session || !timingSafeEqual(session.tokenHash, hash)) return undefined;
    return session;
  }

  forPlayer(playerId: number): Session | undefined {
    return this.byPlayer.get(playerId);
  }

  close(playerId: number): Session | undefined {
    const session = this.byPlayer.get(playerId);
    if (!session) return undefined;
    this.byPlayer.delete(playerId);
    this.byTokenHash.delete(session.tokenHash.toString('hex'));
    return session;
  }

  get size(): number {
    return this.byPlayer.size;
  }
}
