/**
 * Wrong passwords per client address (an IPv4 address or IPv6 /64), for `--password` servers.
 * The first FREE_FAILURES are free (typos); after that each further failure locks the address
 * out for twice as long as the last (1 s, 2 s, 4 s ... up to 15 minutes), and while it is locked
 * no password from it is even checked. A guesser gets about log2(t) tries in t seconds instead
 * of thousands per second. An address is forgotten after FORGET_MS without a failure.
 *
 * Logged once per burst (burst-log.ts): a line when an address starts failing and a summary
 * when it stops, never a line per attempt.
 *
 * A shared address (a NAT, a campus) is locked out as a whole: that is the price of counting
 * per address; the lockout is short at first and a player who knows the password just waits.
 */
import type { Clock } from '../../shared/clock.js';
import { BurstLog } from '../burst-log.js';
import type { Logger } from '../logger.js';

export const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 1000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_MS = 15 * 60_000;
/** Addresses remembered at once; the oldest are forgotten first beyond this. */
const MAX_ADDRESSES = 50_000;

interface Record {
  failures: number;
  lockedUntilMs: number;
  lastFailureMs: number;
}

export class PasswordAttempts {
  private readonly byAddress = new Map<string, Record>();
  private readonly bursts: BurstLog;
  /** Passwords compared (failures counted here), for tests and figures. */
  checked = 0;
  refusedLocked = 0;

  constructor(logger: Logger, clock: Clock) {
    this.bursts = new BurstLog(logger, 'warn', 'password_guessing', undefined, clock);
  }

  /** Milliseconds this address (its addressKey, from the port) must still wait before a password is checked, or 0. */
  lockedFor(key: string, nowMs: number): number {
    const r = this.byAddress.get(key);
    if (!r) return 0;
    if (nowMs - r.lastFailureMs > FORGET_MS) {
      this.byAddress.delete(key);
      return 0;
    }
    const wait = Math.max(0, r.lockedUntilMs - nowMs);
    if (wait > 0) {
      this.refusedLocked++;
      this.bursts.note(key, { addr: key, failures: r.failures, lockedMs: wait, refusedWhileLocked: this.refusedLocked });
    }
    return wait;
  }

  /** A password was checked (a call to this or `failed` follows each check). */
  passed(): void {
    this.checked++;
  }

  failed(key: string, nowMs: number): void {
    this.checked++;
    let r = this.byAddress.get(key);
    if (!r) {
      if (this.byAddress.size >= MAX_ADDRESSES) this.byAddress.delete(this.byAddress.keys().next().value!);
      r = { failures: 0, lockedUntilMs: 0, lastFailureMs: nowMs };
      this.byAddress.set(key, r);
    }
    r.failures++;
    r.lastFailureMs = nowMs;
    const over = r.failures - FREE_FAILURES;
    const lockMs = over > 0 ? Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (over - 1)) : 0;
    r.lockedUntilMs = nowMs + lockMs;
    this.bursts.note(key, { addr: key, failures: r.failures, lockedMs: lockMs });
  }

  close(): void {
    this.bursts.flush();
  }
}
