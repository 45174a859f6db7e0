/**
 * Who may add to the world: a cap on bodies (live and in grace) so the world, the welcome and
 * the state frames stay bounded (the snapshot format counts bodies in 16 bits), and a cap on new
 * profiles (names) per address per hour, so one client cannot squat thousands of names or grow
 * the database without end. Each refusal is an error the join screen shows as it is.
 */
import type { ErrorCode } from '../../shared/protocol.js';
import { KeyedBuckets, type Verdict } from './keyed-buckets.js';

export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface AdmissionOptions {
  readonly maxPlayers: number;
  readonly newProfilesPerAddressHour: number;
}

/** The snapshot format's body count is a u16. */
export const SNAPSHOT_MAX_BODIES = 0xffff;

export class Admission {
  private readonly newProfiles: KeyedBuckets<string>;

  constructor(private readonly opts: AdmissionOptions) {
    if (opts.maxPlayers >= SNAPSHOT_MAX_BODIES) throw new Error(`maxPlayers must stay below ${SNAPSHOT_MAX_BODIES}`);
    this.newProfiles = new KeyedBuckets(opts.newProfilesPerAddressHour, opts.newProfilesPerAddressHour / 3600);
  }

  /** A new body would join a world of `bodies`. */
  newBody(bodies: number): Refusal | null {
    if (bodies < this.opts.maxPlayers) return null;
    return { code: 'world_full', message: `This world is full (${this.opts.maxPlayers} players). Please try again in a few minutes.` };
  }

  /** A new profile would be created for a client at `address`. */
  newProfile(address: string, nowMs: number): Refusal | null {
    const verdict = this.newProfiles.take(address, nowMs);
    if (verdict.ok) return null;
    return { code: 'too_many_new_names', message: `Too many new names from your network; please use a name you have played before, or try again in ${minutes(verdict.retryAfterMs)}.` };
  }
}

/** A refusal for a requester that asks too often (joins, resumes). */
export function slowDown(verdict: Verdict & { ok: false }, what: string): Refusal {
  const s = Math.ceil(verdict.retryAfterMs / 1000);
  return { code: 'slow_down', message: `Too many ${what}; please wait ${s} s and try again.` };
}

function minutes(ms: number): string {
  const m = Math.ceil(ms / 60_000);
  return m <= 1 ? 'a minute' : `${m} minutes`;
}
