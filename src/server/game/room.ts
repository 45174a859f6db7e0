/**
 * One world and everyone in it: joins, resumes, takeovers, grace periods, inputs, chat and the
 * per-tick state broadcast. Transport-agnostic: it talks to ClientLinks, receives validated
 * messages from the gateway, and gets storage, clock and logger through its constructor.
 *
 * Life of a drop: the link closes abnormally -> the player stays in the world, marked
 * reconnecting, and a grace timer starts -> a new connection presents the resume token -> the
 * stale link (if the server has not noticed it yet) is replaced, the token rotated, the welcome
 * sent with the player's current state, then the chat it missed. No resume before the timer
 * fires -> the player leaves like a closed tab.
 */
import { timingSafeEqual } from 'node:crypto';
import { CloseCode } from '../../shared/close-codes.js';
import type { Clock } from '../../shared/clock.js';
import { checkChatText } from '../../shared/chat-text.js';
import type { Facing } from '../../shared/movement.js';
import { checkName } from '../../shared/names.js';
import { nameKey } from './name-key.js';
import { ACCEPTED_VERSIONS, PROTOCOL_VERSION, encodeMessage, type ChatLine, type Hello, type PlayerInfo, type ServerMessage } from '../../shared/protocol.js';
import type { ResumeOffer } from '../../shared/resume-offer.js';
import { ChatRoom } from '../chat/chat-room.js';
import { DEFAULT_REPLAY_LIMITS, ReplayPolicy } from '../chat/replay-policy.js';
import { Admission, slowDown, type Refusal } from '../limits/admission.js';
import { GraceLedger } from '../limits/grace-ledger.js';
import { KeyedBuckets } from '../limits/keyed-buckets.js';
import { DripFeed, listSource } from './drip-feed.js';
import { WELCOME_PLAYERS, rosterSource, splitNearest } from './roster-welcome.js';
import type { Logger } from '../logger.js';
import type { ClientLink } from '../net/client-link.js';
import { SessionRegistry, newSecret, hashSecret, secretMatches, type Session } from '../sessions/session-registry.js';
import { NameTakenError, type ProfileRecord, type Storage, type StoredChatLine } from '../store/store.js';
import { StateBroadcaster } from './state-broadcaster.js';
import type { StateWriter } from '../net/state-writer.js';
import { World } from './world.js';
import { PasswordAttempts } from './password-attempts.js';
import type { WorldRules } from '../../shared/world-rules.js';

/** Replay and roster bytes one connection is sent per tick, on top of its state frame. */
const DRIP_BYTES_PER_TICK = 4 * 1024;

/** Wrong passwords one connection may send before it is closed with 4013. */
export const MAX_PASSWORD_TRIES = 3;

/** Constant-time: both sides are hashed to equal length first, so neither length nor content leaks. */
function passwordMatches(given: string, expected: string): boolean {
  return timingSafeEqual(hashSecret(given), hashSecret(expected));
}

export interface RoomOptions {
  readonly rules: WorldRules;
  readonly graceMs: number;
  readonly password: string;
  readonly chatMemoryLimit: number;
  readonly chatBurst: number;
  readonly chatPerSecond: number;
  /** How state frames reach the sockets (default: socket.write each). */
  readonly stateWriter?: StateWriter;
  /** Bodies in the world, live or in grace (default 5000). */
  readonly maxPlayers?: number;
  /** Bodies in grace per address (default 8). */
  readonly maxGracePerAddress?: number;
  /** New profiles per address per hour (default 20). */
  readonly newProfilesPerAddressHour?: number;
  /** Joins and resumes per address per minute (default 240, a quarter of it at once). */
  readonly joinsPerAddressMinute?: number;
  /** What the per-address limits count by (the gateway's key: an IPv4 address, an IPv6 /64). */
  readonly addressKey?: (address: string) => string;
}

interface Player {
  readonly id: number;
  name: string;
  character: number;
  link: ClientLink | null;
  readonly session: Session;
  /** The address of its latest connection (grace bodies are counted by it). */
  address: string;
}

export class Room {
  readonly world: World;
  readonly chat: ChatRoom;
  readonly broadcaster: StateBroadcaster;
  private readonly players = new Map<number, Player>();
  private readonly sessions = new SessionRegistry();
  readonly passwordAttempts: PasswordAttempts;
  private shuttingDown = false;
  /** Metrics hooks (set by tether-server). */
  metrics: { resumed(latencyMs: number): void; resumeRefused(): void; disconnected(kind: 'dropped' | 'left' | 'grace_expired'): void } | null = null;
  /** Chat rate by account: kept after a player leaves, so leaving and rejoining does not refill it. */
  private chatLimits: KeyedBuckets<number>;
  private readonly replay: ReplayPolicy;
  private readonly admission: Admission;
  private readonly grace: GraceLedger;
  private readonly drip = new DripFeed(DRIP_BYTES_PER_TICK);
  private readonly addressKey: (address: string) => string;

  constructor(
    private readonly opts: RoomOptions,
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.world = new World(opts.rules);
    this.chatLimits = new KeyedBuckets(opts.chatBurst, opts.chatPerSecond);
    this.chat = new ChatRoom(storage.chat, opts.chatMemoryLimit, logger);
    this.addressKey = opts.addressKey ?? ((a) => a);
    const joinsPerMinute = opts.joinsPerAddressMinute ?? 240;
    this.replay = new ReplayPolicy(this.chat, (line) => Buffer.byteLength(encodeMessage(this.chatMessage(line))), {
      ...DEFAULT_REPLAY_LIMITS,
      addressJoinBurst: Math.max(1, Math.round(joinsPerMinute / 4)),
      addressJoinsPerSecond: joinsPerMinute / 60,
    });
    this.admission = new Admission({ maxPlayers: opts.maxPlayers ?? 5000, newProfilesPerAddressHour: opts.newProfilesPerAddressHour ?? 20 });
    this.grace = new GraceLedger(opts.maxGracePerAddress ?? 8);
    this.broadcaster = new StateBroadcaster(opts.stateWriter);
    this.passwordAttempts = new PasswordAttempts(logger);
  }

  async load(): Promise<void> {
    await this.chat.load();
  }

  /** The chat rate (tests and benchmarks raise it); a new rate starts every account afresh. */
  get chatRate(): { burst: number; perSecond: number } {
    return { burst: this.chatLimits.capacity, perSecond: this.chatLimits.perSecond };
  }

  set chatRate(rate: { burst: number; perSecond: number }) {
    this.chatLimits = new KeyedBuckets(rate.burst, rate.perSecond);
  }

  get playerCount(): number {
    return this.players.size;
  }

  /** Everyone in the world, for the status page. */
  roster(): Array<{ id: number; name: string; character: number; link: ClientLink | null }> {
    return [...this.players.values()].map((p) => ({ id: p.id, name: p.name, character: p.character, link: p.link }));
  }

  get inGraceCount(): number {
    let n = 0;
    for (const p of this.players.values()) if (!p.link) n++;
    return n;
  }

  // ---- joining -------------------------------------------------------------------------------

  /** A connection offered a resume token in its upgrade request. True when it resumed. */
  tryResume(link: ClientLink, offer: ResumeOffer): boolean {
    const session = this.sessions.find(offer.resumeToken);
    const player = session ? this.players.get(session.playerId) : undefined;
    if (!session || !player) {
      this.logger.log('info', 'resume_refused', { conn: link.connId, reason: 'unknown_or_expired' });
      link.send({ t: 'resume_failed', reason: 'unknown' });
      this.metrics?.resumeRefused();
      return false;
    }
    if (this.refuseTooOften(link, player.id, 'reconnects')) return false;
    this.metrics?.resumed(player.link ? 0 : this.clock.now() - (session.graceEndsAtMs - this.opts.graceMs));
    this.attach(player, link, CloseCode.Replaced, 'replaced by a newer connection of the same session');
    const token = this.sessions.rotate(session);
    this.sendWelcome(player, link, token, undefined, true, offer.lastChatSeq);
    this.logger.log('info', 'resume', { conn: link.connId, player: player.id, name: player.name });
    return true;
  }

  /**
   * The password check: per address with backoff (password-attempts.ts), and a few tries per
   * connection (typos) before it is closed. True when the join was refused.
   */
  private refusedPassword(link: ClientLink, given: string): boolean {
    const now = this.clock.now();
    const waitMs = this.passwordAttempts.lockedFor(link.remoteAddress, now);
    if (waitMs > 0) {
      const s = Math.ceil(waitMs / 1000);
      link.send({ t: 'error', code: 'bad_password', message: `Too many wrong passwords from your address: try again in ${s} s.` });
      link.close(CloseCode.Unauthorized, `too many wrong passwords, try again in ${s} s`);
      return true;
    }
    if (passwordMatches(given, this.opts.password)) {
      this.passwordAttempts.passed();
      return false;
    }
    link.badPasswords++;
    this.passwordAttempts.failed(link.remoteAddress, now);
    link.send({ t: 'error', code: 'bad_password', message: 'This server is private: the password is wrong.' });
    if (link.badPasswords >= MAX_PASSWORD_TRIES) link.close(CloseCode.Unauthorized, 'wrong password, too many tries');
    return true;
  }

  async join(link: ClientLink, hello: Hello): Promise<void> {
    if (!ACCEPTED_VERSIONS.includes(hello.v)) {
      link.close(CloseCode.VersionMismatch, `protocol version mismatch: server speaks ${ACCEPTED_VERSIONS.join(' and ')}, client sent ${hello.v}`);
      return;
    }
    if (this.opts.password && this.refusedPassword(link, hello.password ?? '')) return;
    const tooOften = this.admitAddress(link);
    if (tooOften) return this.refuse(link, tooOften, 'join_rate');
    const checked = checkName(hello.name);
    if (!checked.ok) {
      link.send({ t: 'error', code: 'name_invalid', message: checked.reason });
      this.logger.log('info', 'join_refused', { conn: link.connId, reason: 'name_invalid' });
      return;
    }
    const name = checked.name;
    const key = nameKey(name);
    let profile = await this.storage.profiles.findByNameKey(key);
    let newAccountToken: string | undefined;
    if (profile && !(hello.accountToken && secretMatches(hello.accountToken, profile.accountTokenHash))) {
      link.send({ t: 'error', code: 'name_taken', message: `The name “${profile.name}” belongs to another player. Please choose another.` });
      this.logger.log('info', 'join_refused', { conn: link.connId, reason: 'name_taken' });
      return;
    }
    if (link.closed) return;
    if (profile && this.refuseTooOften(link, profile.id, 'joins')) return;
    if (!this.players.has(profile?.id ?? -1)) {
      const full = this.admission.newBody(this.players.size);
      if (full) return this.refuse(link, full, 'world_full');
    }
    if (!profile) {
      const tooMany = this.admission.newProfile(this.addressKey(link.remoteAddress), this.clock.now());
      if (tooMany) return this.refuse(link, tooMany, 'new_names');
      newAccountToken = newSecret();
      const spawn = this.world.spawnPoint(this.random);
      try {
        profile = await this.storage.profiles.create({ name, nameKey: key, character: hello.character, x: spawn.x, y: spawn.y, accountTokenHash: hashSecret(newAccountToken).toString('hex') });
      } catch (err) {
        if (!(err instanceof NameTakenError)) throw err;
        link.send({ t: 'error', code: 'name_taken', message: `The name “${name}” was just taken. Please choose another.` });
        return;
      }
      if (link.closed) return;
    } else if (profile.name !== name || profile.character !== hello.character) {
      await this.storage.profiles.updateAppearance(profile.id, name, hello.character);
    } else {
      // Used now: it does not expire (profile-upkeep.ts).
      await this.storage.profiles.touch(profile.id);
    }
    if (link.closed) return;
    this.admit(link, profile, name, hello.character, newAccountToken, hello.lastChatSeq);
  }

  private admit(link: ClientLink, profile: ProfileRecord, name: string, character: number, accountToken: string | undefined, lastChatSeq: number | undefined): void {
    const existing = this.players.get(profile.id);
    if (existing) {
      // The same profile from another tab or device: the newer connection takes the seat.
      existing.name = name;
      existing.character = character;
      this.attach(existing, link, CloseCode.TakenOver, 'taken over: this player joined from another tab or device');
      const token = this.sessions.rotate(existing.session);
      this.sendWelcome(existing, link, token, accountToken, false, lastChatSeq);
      this.broadcast({ t: 'joined', player: this.infoOf(existing) }, existing.id);
      this.logger.log('info', 'takeover', { conn: link.connId, player: existing.id, name });
      return;
    }
    const full = this.admission.newBody(this.players.size);
    if (full) return this.refuse(link, full, 'world_full');
    const { session, token } = this.sessions.open(profile.id);
    this.replay.sessionOpened(profile.id);
    const player: Player = { id: profile.id, name, character, link: null, session, address: this.addressKey(link.remoteAddress) };
    this.players.set(player.id, player);
    this.world.add(player.id, profile.x, profile.y, profile.facing as Facing);
    this.attach(player, link, CloseCode.Replaced, 'replaced');
    this.sendWelcome(player, link, token, accountToken, false, lastChatSeq);
    this.broadcast({ t: 'joined', player: this.infoOf(player) }, player.id);
    this.logger.log('info', 'join', { conn: link.connId, player: player.id, name, character, addr: link.remoteAddress });
  }

  /** Puts a link under a player, closing the one it had (stale or another tab's). */
  private attach(player: Player, link: ClientLink, oldCloseCode: number, oldReason: string): void {
    const old = player.link;
    if (old && old !== link) {
      old.playerId = null;
      old.close(oldCloseCode, oldReason);
    }
    if (player.session.graceTimer) {
      this.clock.clearTimeout(player.session.graceTimer);
      player.session.graceTimer = null;
    }
    player.link = link;
    player.address = this.addressKey(link.remoteAddress);
    this.grace.left(player.id);
    link.playerId = player.id;
    link.needsFullState = true;
    this.world.clearInputs(player.id);
    const wb = this.world.bodies.get(player.id);
    if (wb?.reconnecting) {
      wb.reconnecting = false;
      this.broadcast({ t: 'presence', id: player.id, state: 'live' }, player.id);
    }
  }

  private sendWelcome(player: Player, link: ClientLink, resumeToken: string, accountToken: string | undefined, resumed: boolean, lastChatSeq: number | undefined): void {
    const wb = this.world.bodies.get(player.id)!;
    // The nearest players now, the rest streamed (roster-welcome.ts): the welcome stays small.
    // A tether.1 client knows no `roster` message: it gets everyone in the welcome, as before.
    const listed = link.protocolVersion >= 2 ? WELCOME_PLAYERS : Number.POSITIVE_INFINITY;
    const { near, rest } = splitNearest(this.players.values(), wb.body.x, wb.body.y, listed, (p) => this.world.bodies.get(p.id)?.body ?? wb.body);
    link.send({
      t: 'welcome',
      v: PROTOCOL_VERSION,
      you: this.infoOf(player),
      resumeToken,
      ...(accountToken ? { accountToken } : {}),
      resumed,
      graceMs: this.opts.graceMs,
      rules: this.opts.rules,
      players: near.map((p) => this.infoOf(p)),
      ...(rest.length > 0 ? { rosterRest: rest.length } : {}),
      tick: this.world.tick,
      serverTimeMs: this.clock.now(),
      ackSeq: wb.ackSeq,
      chatSeq: this.chat.lastSeq,
    });
    this.drip.cancel(player.id);
    if (rest.length > 0) {
      const ids = rest.map((p) => p.id);
      this.drip.add(player.id, link, rosterSource(ids, (id) => {
        const p = this.players.get(id);
        return p ? this.infoOf(p) : undefined;
      }));
    }
    // Missed chat, within this session's window and the requester's allowance (replay-policy.ts),
    // paced over the next ticks.
    const missed = this.replay.linesFor(player.id, this.addressKey(link.remoteAddress), lastChatSeq, this.clock.now());
    if (missed.length > 0) this.drip.add(player.id, link, listSource(missed, (line) => Buffer.from(encodeMessage(this.chatMessage(line)), 'utf8')));
  }

  /** Per-address join/resume rate, before any lookup. */
  private admitAddress(link: ClientLink): Refusal | null {
    const verdict = this.replay.admitAddress(this.addressKey(link.remoteAddress), this.clock.now());
    return verdict.ok ? null : slowDown(verdict, 'joins from your network');
  }

  /** Per-account join/resume rate; refuses (and closes) when it is exceeded. */
  private refuseTooOften(link: ClientLink, accountId: number, what: string): boolean {
    const verdict = this.replay.admitAccount(accountId, this.clock.now());
    if (verdict.ok) return false;
    this.refuse(link, slowDown(verdict, what), 'join_rate');
    link.close(CloseCode.Flood, 'too many joins or resumes');
    return true;
  }

  private refuse(link: ClientLink, refusal: Refusal, reason: string): void {
    link.send({ t: 'error', code: refusal.code, message: refusal.message });
    this.logger.log('info', 'join_refused', { conn: link.connId, reason, addr: link.remoteAddress });
  }

  // ---- leaving -------------------------------------------------------------------------------

  /** The link closed. `onPurpose`: the player left (tab closed); otherwise the grace period starts. */
  disconnected(link: ClientLink, onPurpose: boolean, code: number): void {
    const player = link.playerId === null ? undefined : this.players.get(link.playerId);
    link.playerId = null;
    if (!player || player.link !== link || this.shuttingDown) return;
    player.link = null;
    this.metrics?.disconnected(onPurpose || this.opts.graceMs === 0 ? 'left' : 'dropped');
    if (onPurpose || this.opts.graceMs === 0) {
      this.remove(player, 'closed');
      return;
    }
    const wb = this.world.bodies.get(player.id);
    if (wb) {
      wb.reconnecting = true;
      this.world.clearInputs(player.id);
    }
    player.session.graceEndsAtMs = this.clock.now() + this.opts.graceMs;
    player.session.graceTimer = this.clock.setTimeout(() => {
      player.session.graceTimer = null;
      if (!player.link) {
        this.metrics?.disconnected('grace_expired');
        this.remove(player, 'grace_expired');
      }
    }, this.opts.graceMs);
    this.broadcast({ t: 'presence', id: player.id, state: 'reconnecting' });
    this.logger.log('info', 'dropped', { conn: link.connId, player: player.id, code, graceMs: this.opts.graceMs });
    // Join-then-drop leaves a body for the whole grace period: one address keeps a few at most.
    for (const id of this.grace.entered(player.id, player.address)) {
      const ghost = this.players.get(id);
      if (!ghost || ghost.link) continue;
      this.metrics?.disconnected('grace_expired');
      this.remove(ghost, 'grace_expired');
    }
  }

  private remove(player: Player, reason: 'closed' | 'grace_expired' | 'shutdown'): void {
    const wb = this.world.bodies.get(player.id);
    if (wb) this.persist([player.id]);
    this.world.remove(player.id);
    this.players.delete(player.id);
    this.grace.left(player.id);
    this.drip.cancel(player.id);
    this.replay.sessionClosed(player.id);
    const session = this.sessions.close(player.id);
    if (session?.graceTimer) this.clock.clearTimeout(session.graceTimer);
    this.broadcast({ t: 'left', id: player.id, reason });
    this.logger.log('info', 'leave', { player: player.id, name: player.name, reason });
  }

  // ---- playing -------------------------------------------------------------------------------

  input(link: ClientLink, firstSeq: number, dirs: readonly number[]): void {
    if (link.playerId === null) return;
    for (let i = 0; i < dirs.length; i++) {
      if (this.world.queueInput(link.playerId, firstSeq + i, dirs[i]!) === 'overflow') {
        this.logger.log('debug', 'input_dropped', { conn: link.connId, player: link.playerId, reason: 'queue_full' });
      }
    }
  }

  /** Binary input frames (input-codec.ts): runs of [dirs, count] from firstSeq on, one input per tick. */
  inputRuns(link: ClientLink, firstSeq: number, runs: readonly number[]): void {
    if (link.playerId === null) return;
    let seq = firstSeq;
    let dropped = false;
    for (let i = 0; i < runs.length; i += 2) {
      const dirs = runs[i]!;
      for (let end = seq + runs[i + 1]!; seq < end; seq++) {
        if (this.world.queueInput(link.playerId, seq, dirs) === 'overflow') dropped = true;
      }
    }
    if (dropped) this.logger.log('debug', 'input_dropped', { conn: link.connId, player: link.playerId, reason: 'queue_full' });
  }

  say(link: ClientLink, clientId: string, raw: string): void {
    const player = link.playerId === null ? undefined : this.players.get(link.playerId);
    if (!player) return;
    const checked = checkChatText(raw);
    if (!checked.ok) {
      this.logger.log('info', 'chat_rejected', { conn: link.connId, player: player.id, reason: checked.reason });
      link.send({ t: 'chat_rejected', id: clientId, reason: checked.reason });
      return;
    }
    const { line, fresh } = this.chat.post(player.id, player.name, clientId, checked.text, Date.now());
    if (!fresh) {
      if (this.drip.pendingFor(player.id)) this.chatTo(player, Buffer.from(encodeMessage(this.chatMessage(line, clientId)), 'utf8'));
      else link.send(this.chatMessage(line, clientId));
      return;
    }
    // Encoded once, and sent with each recipient's next state frame (one write per tick).
    const text = Buffer.from(encodeMessage(this.chatMessage(line)), 'utf8');
    for (const p of this.players.values()) this.chatTo(p, p === player ? Buffer.from(encodeMessage(this.chatMessage(line, clientId)), 'utf8') : text);
  }

  /**
   * A live chat line for one player. Behind a replay still dripping out, so lines arrive in seq
   * order (a client drops any seq not above the newest it holds).
   */
  private chatTo(p: Player, text: Buffer): void {
    if (!p.link) return;
    if (this.drip.pendingFor(p.id)) this.drip.add(p.id, p.link, listSource([text], (b) => b));
    else p.link.sendLater(text);
  }

  /** A token bucket decides whether this chat may be posted; returns false and tells the sender if not. */
  allowChat(link: ClientLink, clientId: string): boolean {
    const player = link.playerId === null ? undefined : this.players.get(link.playerId);
    if (!player) return false;
    const verdict = this.chatLimits.take(player.id, this.clock.now());
    if (verdict.ok) return true;
    link.send({ t: 'chat_rejected', id: clientId, reason: 'slow_down', retryAfterMs: verdict.retryAfterMs });
    this.logger.log('info', 'chat_rate_limited', { conn: link.connId, player: player.id });
    return false;
  }

  leave(link: ClientLink): void {
    this.disconnected(link, true, CloseCode.Left);
    link.close(CloseCode.Left, 'left');
  }

  /** One tick: advance the world, then send everyone the new state. */
  tick(): void {
    this.world.step();
    // Roster and replay slices join this tick's frames.
    this.drip.pump();
    // Players are recipients as they are (id + link, null while in grace): no per-tick objects.
    this.broadcaster.broadcast(this.world, this.players.values());
  }

  /** Writes moved players' positions to storage; called periodically and on shutdown. */
  flushPositions(): void {
    const ids: number[] = [];
    for (const wb of this.world.bodies.values()) if (wb.dirty) ids.push(wb.id);
    this.persist(ids);
  }

  private persist(ids: readonly number[]): void {
    const rows = [];
    for (const id of ids) {
      const wb = this.world.bodies.get(id);
      if (!wb) continue;
      wb.dirty = false;
      rows.push({ id, x: wb.body.x, y: wb.body.y, facing: wb.body.facing });
    }
    if (rows.length === 0) return;
    this.storage.profiles.savePositions(rows).catch((err: unknown) => this.logger.log('error', 'position_save_failed', { err: String(err) }));
  }

  /** Shutdown: everyone is told to come back after `retryAfterMs`; positions are saved. */
  shutdown(retryAfterMs: number): void {
    this.passwordAttempts.close();
    this.shuttingDown = true;
    for (const p of this.players.values()) {
      if (p.session.graceTimer) this.clock.clearTimeout(p.session.graceTimer);
      p.session.graceTimer = null;
      if (p.link) {
        p.link.send({ t: 'restarting', retryAfterMs });
        p.link.close(CloseCode.ServerRestarting, 'server restarting');
      }
    }
    this.persist([...this.players.keys()]);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private infoOf(p: Player): PlayerInfo {
    const wb = this.world.bodies.get(p.id);
    return { id: p.id, name: p.name, character: p.character, x: wb?.body.x ?? 0, y: wb?.body.y ?? 0, facing: wb?.body.facing ?? 0, state: p.link ? 'live' : 'reconnecting' };
  }

  private chatMessage(line: StoredChatLine, echo?: string): ChatLine {
    const msg: ChatLine = { t: 'chat', seq: line.seq, from: line.from, name: line.name, text: line.text, atMs: line.atMs };
    return echo === undefined ? msg : { ...msg, echo };
  }

  /** Encoded once; goes out with each recipient's next state frame (one write per client per tick). */
  private broadcast(message: ServerMessage, except?: number): void {
    const text = Buffer.from(encodeMessage(message), 'utf8');
    for (const p of this.players.values()) if (p.link && p.id !== except) p.link.sendLater(text);
  }
}
