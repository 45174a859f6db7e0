/**
 * Admission: whether a `hello` gets a seat, and with which profile. Checks the protocol
 * version, the server password (a few tries per connection), the join rate of the address and
 * of the account (chat/replay-policy.ts), the name, and that the name is the caller's (its
 * account token) or free; the world's cap on bodies and the address's cap on new names
 * (limits/admission.ts); creates the profile for a new name. Refusals are told
 * to the caller here; the room seats whoever comes through.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { CloseCode } from '../../shared/close-codes.js';
import { checkName } from '../../shared/names.js';
import { ACCEPTED_VERSIONS, type Hello } from '../../shared/protocol.js';
import type { ReplayPolicy } from '../chat/replay-policy.js';
import { slowDown, type Admission as WorldCaps, type Refusal } from '../limits/admission.js';
import type { Logger } from '../logger.js';
import { hashSecret, hashSecretHex, newSecret, secretMatches } from '../sessions/secrets.js';
import { NameTakenError, type ProfileRecord, type ProfileStore } from '../store/store.js';
import type { Visit } from './member.js';
import { nameKey } from './name-key.js';
import type { PasswordAttempts } from './password-attempts.js';
import type { PlayerPort } from './player-port.js';

/** Wrong passwords one connection may send before it is closed with 4013. */
export const MAX_PASSWORD_TRIES = 3;

export interface Admitted {
  readonly profile: ProfileRecord;
  /** The name as checked (normalised) and the character asked for. */
  readonly name: string;
  readonly character: number;
  /** Set for a new profile: the secret that proves the name is the caller's from now on. */
  readonly accountToken: string | undefined;
}

/** Constant-time: both sides are hashed to equal length first, so neither length nor content leaks. */
/** What admission asks the room and the limits. */
export interface AdmissionLimits {
  readonly caps: WorldCaps;
  /** Join and resume rates (per address, per account). */
  readonly rates: ReplayPolicy;
  /** Bodies in the world now, live or in grace. */
  bodies(): number;
  /** Whether the profile already has a body in the world (a takeover adds none). */
  seated(profileId: number): boolean;
}

function passwordMatches(given: string, expected: string): boolean {
  return timingSafeEqual(hashSecret(given), hashSecret(expected));
}

export class Admission {
  constructor(
    private readonly password: string,
    private readonly attempts: PasswordAttempts,
    private readonly profiles: ProfileStore,
    private readonly spawnPoint: () => { x: number; y: number },
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly limits: AdmissionLimits,
  ) {}

  /** The world's caps (the room checks the body cap again when it adds the body). */
  get caps(): WorldCaps {
    return this.limits.caps;
  }

  /** The profile to seat, or null when refused (the caller was told why) or the caller left. */
  async check(port: PlayerPort, visit: Visit, hello: Hello): Promise<Admitted | null> {
    if (!ACCEPTED_VERSIONS.includes(hello.v)) {
      port.close(CloseCode.VersionMismatch, `protocol version mismatch: server speaks ${ACCEPTED_VERSIONS.join(' and ')}, client sent ${hello.v}`);
      return null;
    }
    if (this.password && this.refusedPassword(port, visit, hello.password ?? '')) return null;
    // Per address, before any lookup: a flood of hellos costs no storage reads.
    const fromAddress = this.limits.rates.admitAddress(port.addressKey, this.clock.now());
    if (!fromAddress.ok) {
      this.refuse(port, slowDown(fromAddress, 'joins from your network'), 'join_rate');
      return null;
    }
    const checked = checkName(hello.name);
    if (!checked.ok) {
      port.send({ t: 'error', code: 'name_invalid', message: checked.reason });
      this.logger.log('info', 'join_refused', { conn: port.connId, reason: 'name_invalid' });
      return null;
    }
    const name = checked.name;
    const key = nameKey(name);
    let profile = await this.profiles.findByNameKey(key);
    if (profile && !(hello.accountToken && secretMatches(hello.accountToken, profile.accountTokenHash))) {
      port.send({ t: 'error', code: 'name_taken', message: `The name “${profile.name}” belongs to another player. Please choose another.` });
      this.logger.log('info', 'join_refused', { conn: port.connId, reason: 'name_taken' });
      return null;
    }
    if (port.closed) return null;
    if (profile && this.refusedTooOften(port, profile.id, 'joins')) return null;
    if (!profile || !this.limits.seated(profile.id)) {
      const full = this.limits.caps.newBody(this.limits.bodies());
      if (full) {
        this.refuse(port, full, 'world_full');
        return null;
      }
    }
    let accountToken: string | undefined;
    if (!profile) {
      const tooMany = this.limits.caps.newProfile(port.addressKey, this.clock.now());
      if (tooMany) {
        this.refuse(port, tooMany, 'new_names');
        return null;
      }
      // A client may bring the secret for the name it creates: then a welcome lost on the way (a
      // reset right after the join) does not lose the name, because the retry presents the same
      // secret. Otherwise the server makes one.
      accountToken = hello.accountToken ?? newSecret();
      const spawn = this.spawnPoint();
      try {
        profile = await this.profiles.create({ name, nameKey: key, character: hello.character, x: spawn.x, y: spawn.y, accountTokenHash: hashSecretHex(accountToken) });
      } catch (err) {
        if (!(err instanceof NameTakenError)) throw err;
        port.send({ t: 'error', code: 'name_taken', message: `The name “${name}” was just taken. Please choose another.` });
        return null;
      }
      if (port.closed) return null;
    } else if (profile.name !== name || profile.character !== hello.character) {
      await this.profiles.updateAppearance(profile.id, name, hello.character);
    } else {
      // Used now: it does not expire (profile-upkeep.ts).
      await this.profiles.touch(profile.id);
    }
    if (port.closed) return null;
    return { profile, name, character: hello.character, accountToken };
  }

  /** Per-account join/resume rate; refuses (and closes) when it is exceeded. True when refused. */
  refusedTooOften(port: PlayerPort, accountId: number, what: string): boolean {
    const verdict = this.limits.rates.admitAccount(accountId, this.clock.now());
    if (verdict.ok) return false;
    this.refuse(port, slowDown(verdict, what), 'join_rate');
    port.close(CloseCode.Flood, 'too many joins or resumes');
    return true;
  }

  /** Tells the caller why it gets no seat (the message is written for the player). */
  refuse(port: PlayerPort, refusal: Refusal, reason: string): void {
    port.send({ t: 'error', code: refusal.code, message: refusal.message });
    this.logger.log('info', 'join_refused', { conn: port.connId, reason, addr: port.remoteAddress });
  }

  /**
   * The password check: per address with backoff (password-attempts.ts), and a few tries per
   * connection (typos) before it is closed. True when the join was refused.
   */
  private refusedPassword(port: PlayerPort, visit: Visit, given: string): boolean {
    const now = this.clock.now();
    const waitMs = this.attempts.lockedFor(port.addressKey, now);
    if (waitMs > 0) {
      const s = Math.ceil(waitMs / 1000);
      port.send({ t: 'error', code: 'bad_password', message: `Too many wrong passwords from your address: try again in ${s} s.` });
      port.close(CloseCode.Unauthorized, `too many wrong passwords, try again in ${s} s`);
      return true;
    }
    if (passwordMatches(given, this.password)) {
      this.attempts.passed();
      return false;
    }
    visit.badPasswords++;
    this.attempts.failed(port.addressKey, now);
    port.send({ t: 'error', code: 'bad_password', message: 'This server is private: the password is wrong.' });
    if (visit.badPasswords >= MAX_PASSWORD_TRIES) port.close(CloseCode.Unauthorized, 'wrong password, too many tries');
    return true;
  }
}
