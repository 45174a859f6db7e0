/**
 * Which chat lines a (re)joining connection is sent, and what that costs it.
 *
 * The window: a connection of a session that is already in the world (a resume, or a takeover
 * from another tab) can only have missed lines sent since that session began; it cannot be
 * owed older ones whatever `lastChatSeq` it claims (0 asks for everything). So its replay is
 * the lines after max(lastChatSeq, the session's floor), the floor being where the chat stood
 * when the session opened, less the short history a fresh join is shown. A fresh join (no
 * `lastChatSeq`) gets the last HISTORY_ON_JOIN lines. At most MAX_REPLAY_LINES either way.
 *
 * The cost: every line sent is charged, in bytes, to an allowance of the account and one of the
 * address (token buckets, bounded memory). An honest resume after a busy grace period fits in
 * the allowance; a requester that asks again and again gets fewer lines (the newest ones) and
 * then none. Requests themselves are counted too (per account and per address): past the
 * burst they are refused with `slow_down` and a retry time, so the requester is slowed down
 * first (less replay), then refused.
 *
 * What is granted goes out paced (drip-feed.ts), a few KB per tick on the state frames.
 */
import { KeyedBuckets, type Verdict } from '../limits/keyed-buckets.js';
import type { StoredChatLine } from '../store/store.js';

export const HISTORY_ON_JOIN = 30;
export const MAX_REPLAY_LINES = 100;

export interface ReplayLimits {
  /** Replay bytes an account may be sent at once, and per second after that. */
  readonly accountBurstBytes: number;
  readonly accountBytesPerSecond: number;
  /** The same for all accounts of one address together. */
  readonly addressBurstBytes: number;
  readonly addressBytesPerSecond: number;
  /** Joins/resumes an account may make in a burst, and per second after that. */
  readonly accountJoinBurst: number;
  readonly accountJoinsPerSecond: number;
  readonly addressJoinBurst: number;
  readonly addressJoinsPerSecond: number;
}

export const DEFAULT_REPLAY_LIMITS: ReplayLimits = {
  // A resume after a busy grace period (30 lines of 200 characters) fits; a requester that asks
  // again and again is down to about 1 KB a second.
  accountBurstBytes: 32 * 1024,
  accountBytesPerSecond: 1024,
  addressBurstBytes: 128 * 1024,
  addressBytesPerSecond: 8 * 1024,
  // A flaky phone may drop twenty times in a minute; each resume is cheap now, the replay it
  // asks for is what is charged.
  accountJoinBurst: 30,
  accountJoinsPerSecond: 1,
  addressJoinBurst: 60,
  addressJoinsPerSecond: 4,
};

export interface ChatHistory {
  readonly lastSeq: number;
  after(seq: number, limit: number): readonly StoredChatLine[];
}

export class ReplayPolicy {
  private readonly floors = new Map<number, number>();
  private readonly accountBytes: KeyedBuckets<number>;
  private readonly addressBytes: KeyedBuckets<string>;
  private readonly accountJoins: KeyedBuckets<number>;
  private readonly addressJoins: KeyedBuckets<string>;

  constructor(
    private readonly history: ChatHistory,
    private readonly sizeOf: (line: StoredChatLine) => number,
    limits: ReplayLimits = DEFAULT_REPLAY_LIMITS,
  ) {
    this.accountBytes = new KeyedBuckets(limits.accountBurstBytes, limits.accountBytesPerSecond);
    this.addressBytes = new KeyedBuckets(limits.addressBurstBytes, limits.addressBytesPerSecond);
    this.accountJoins = new KeyedBuckets(limits.accountJoinBurst, limits.accountJoinsPerSecond);
    this.addressJoins = new KeyedBuckets(limits.addressJoinBurst, limits.addressJoinsPerSecond);
  }

  /** A join or resume from an address, before anything is looked up. */
  admitAddress(address: string, nowMs: number): Verdict {
    return this.addressJoins.take(address, nowMs);
  }

  /** A join, takeover or resume of an account. */
  admitAccount(accountId: number, nowMs: number): Verdict {
    return this.accountJoins.take(accountId, nowMs);
  }

  sessionOpened(accountId: number): void {
    this.floors.set(accountId, Math.max(0, this.history.lastSeq - HISTORY_ON_JOIN));
  }

  sessionClosed(accountId: number): void {
    this.floors.delete(accountId);
  }

  /**
   * The lines to send this connection, oldest first, charged to its account and address (null:
   * an address the per-address limits skip).
   */
  linesFor(accountId: number, address: string | null, lastChatSeq: number | undefined, nowMs: number): readonly StoredChatLine[] {
    const floor = this.floors.get(accountId) ?? Math.max(0, this.history.lastSeq - HISTORY_ON_JOIN);
    const wanted = lastChatSeq === undefined ? this.history.after(0, HISTORY_ON_JOIN) : this.history.after(Math.max(lastChatSeq, floor), MAX_REPLAY_LINES);
    if (wanted.length === 0) return wanted;
    let bytes = 0;
    for (const line of wanted) bytes += this.sizeOf(line);
    const byAccount = this.accountBytes.takeUpTo(accountId, nowMs, bytes);
    const granted = address === null ? byAccount : Math.min(byAccount, this.addressBytes.takeUpTo(address, nowMs, bytes));
    if (granted >= bytes) return wanted;
    // Short of allowance: the newest lines that fit (they matter most to a reader).
    let fit = 0;
    let used = 0;
    for (let i = wanted.length - 1; i >= 0; i--) {
      used += this.sizeOf(wanted[i]!);
      if (used > granted) break;
      fit++;
    }
    return wanted.slice(wanted.length - fit);
  }
}
