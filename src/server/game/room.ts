/**
 * One world and everyone in it. The room seats players (join, resume, takeover), holds the seat
 * of a player whose connection dropped, and hands each concern to its part:
 *   admission.ts       whether a hello gets a seat, with which profile (and the limits/ caps)
 *   sessions/          resume tokens and grace periods (SessionRegistry)
 *   room-chat.ts       rate, posting, delivery and replay of chat (over a ChatLog)
 *   presence.ts        joined / presence / left, through the fan-out (FanOut)
 *   roster-welcome.ts, drip-feed.ts: a welcome of the nearest players, the rest of the roster
 *                      and the chat replay paced over the next ticks
 *   limits/grace-ledger.ts: how many bodies one address keeps in their grace period
 *   position-keeper.ts positions written to storage
 *   world.ts, state-broadcaster.ts: the simulation and the per-tick state frames
 * It talks to players only through PlayerPorts, handed over by the network layer.
 *
 * Life of a drop: the connection closes abnormally -> the player stays in the world, marked
 * reconnecting, and its session is held for the grace period -> a new connection claims the
 * resume token -> the stale connection (if the server has not noticed it yet) is replaced, the
 * token rotated, the welcome sent with the player's current state, then the chat it missed. No
 * claim before the grace period ends -> the player leaves like a closed tab.
 *
 * Sessions and chat answer asynchronously (another process may hold them): whatever a
 * connection was promised is re-checked after each wait (closed meanwhile, seat taken meanwhile).
 */
import { CloseCode } from '../../shared/close-codes.js';
import type { Clock } from '../../shared/clock.js';
import type { Facing } from '../../shared/movement.js';
import { PROTOCOL_VERSION, type Hello, type PlayerInfo } from '../../shared/protocol.js';
import type { ResumeOffer } from '../../shared/resume-offer.js';
import type { WorldRules } from '../../shared/world-rules.js';
import { DEFAULT_WORLD } from '../../shared/world-names.js';
import type { ChatLog } from '../chat/chat-log.js';
import { LocalChatLog } from '../chat/local-chat-log.js';
import { DEFAULT_REPLAY_LIMITS, ReplayPolicy } from '../chat/replay-policy.js';
import { Admission as WorldCaps } from '../limits/admission.js';
import { GraceLedger } from '../limits/grace-ledger.js';
import type { Logger } from '../logger.js';
import { LocalSessionRegistry } from '../sessions/local-session-registry.js';
import type { SessionRegistry } from '../sessions/session-registry.js';
import type { Storage } from '../store/store.js';
import { Admission, type Admitted } from './admission.js';
import { DripFeed, behindDrip } from './drip-feed.js';
import { PasswordAttempts } from './password-attempts.js';
import { LocalFanOut, type FanOut } from './fan-out.js';
import type { Member, Visit } from './member.js';
import type { PlayerPort } from './player-port.js';
import { Presence, type LeaveReason } from './presence.js';
import { sendMoved } from './send-moved.js';
import { PositionKeeper } from './position-keeper.js';
import { RoomChat, chatBytes } from './room-chat.js';
import { WELCOME_PLAYERS, rosterSource, splitNearest } from './roster-welcome.js';
import { StateBroadcaster } from './state-broadcaster.js';
import { World } from './world.js';

export { MAX_PASSWORD_TRIES } from './admission.js';

/** Replay and roster bytes one connection is sent per tick, on top of its state frame. */
const DRIP_BYTES_PER_TICK = 4 * 1024;

export interface RoomOptions {
  /** The world's name (docs/protocol.md, "Worlds"); default DEFAULT_WORLD. */
  readonly world?: string;
  readonly rules: WorldRules;
  readonly graceMs: number;
  readonly password: string;
  readonly chatMemoryLimit: number;
  readonly chatBurst: number;
  readonly chatPerSecond: number;
  /** Bodies in the world, live or in grace (default 5000): the world's capacity. */
  readonly maxPlayers?: number;
  /** Bodies in grace per address (default 8). */
  readonly maxGracePerAddress?: number;
  /** New profiles per address per hour (default 20). */
  readonly newProfilesPerAddressHour?: number;
  /** Joins and resumes per address per minute (default 240, a quarter of it at once). */
  readonly joinsPerAddressMinute?: number;
}

/** The seams a deployment across processes fills; single-process mode gets the local ones. */
export interface RoomSeams {
  readonly sessions?: SessionRegistry;
  readonly chatLog?: ChatLog;
  readonly fanOut?: FanOut;
  /** Shared by every world of a process, so more worlds do not mean more guesses. */
  readonly passwordAttempts?: PasswordAttempts;
  /** A cluster's node URLs, told to each player in its welcome (none for a single process). */
  readonly clusterNodes?: () => readonly string[];
}

/** A body as a world's checkpoint keeps it (cluster mode): enough to bring the player back elsewhere. */
export interface BodyRecord {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly facing: number;
  readonly name: string;
  readonly character: number;
}

export interface RoomMetrics {
  resumed(latencyMs: number): void;
  resumeRefused(): void;
  disconnected(kind: 'dropped' | 'left' | 'grace_expired'): void;
}

export class Room {
  /** The world's name. */
  readonly name: string;
  readonly world: World;
  readonly broadcaster = new StateBroadcaster();
  private readonly members = new Map<number, Member>();
  private readonly visits = new Map<PlayerPort, Visit>();
  private readonly sessions: SessionRegistry;
  private readonly chatLog: ChatLog;
  private readonly fanOut: FanOut;
  private readonly admission: Admission;
  private readonly chat: RoomChat;
  private readonly presence: Presence;
  private readonly positions: PositionKeeper;
  /** Join/resume rates and the chat replay's window and allowance. */
  private readonly replay: ReplayPolicy;
  private readonly grace: GraceLedger;
  private readonly drip = new DripFeed(DRIP_BYTES_PER_TICK);
  /** The fan-out's view of each port (behindDrip), so detach finds what attach was given. */
  private readonly fanOutPorts = new WeakMap<PlayerPort, PlayerPort>();
  /** Wrong passwords per client address, with backoff (password-attempts.ts). */
  readonly passwordAttempts: PasswordAttempts;
  private readonly ownsPasswordAttempts: boolean;
  private readonly clusterNodes: (() => readonly string[]) | null;
  private shuttingDown = false;
  /** Metrics hooks (set by tether-server). */
  metrics: RoomMetrics | null = null;

  constructor(
    private readonly opts: RoomOptions,
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
    seams: RoomSeams = {},
  ) {
    this.name = opts.world ?? DEFAULT_WORLD;
    this.world = new World(opts.rules);
    this.sessions = seams.sessions ?? new LocalSessionRegistry(clock);
    this.chatLog = seams.chatLog ?? new LocalChatLog(storage.chat, this.name, opts.chatMemoryLimit, logger);
    this.fanOut = seams.fanOut ?? new LocalFanOut();
    this.ownsPasswordAttempts = !seams.passwordAttempts;
    this.clusterNodes = seams.clusterNodes ?? null;
    this.passwordAttempts = seams.passwordAttempts ?? new PasswordAttempts(logger, clock);
    const joinsPerMinute = opts.joinsPerAddressMinute ?? 240;
    this.replay = new ReplayPolicy(this.chatLog, chatBytes, {
      ...DEFAULT_REPLAY_LIMITS,
      addressJoinBurst: Math.max(1, Math.round(joinsPerMinute / 4)),
      addressJoinsPerSecond: joinsPerMinute / 60,
    });
    this.grace = new GraceLedger(opts.maxGracePerAddress ?? 8);
    this.admission = new Admission(opts.password, this.passwordAttempts, storage.profiles, () => this.world.spawnPoint(this.random), clock, logger, {
      caps: new WorldCaps({ maxPlayers: opts.maxPlayers ?? 5000, newProfilesPerAddressHour: opts.newProfilesPerAddressHour ?? 20 }),
      rates: this.replay,
      bodies: () => this.members.size,
      seated: (id) => this.members.has(id),
    });
    this.chat = new RoomChat(this.chatLog, this.fanOut, this.replay, this.drip, { burst: opts.chatBurst, perSecond: opts.chatPerSecond }, clock, logger);
    this.presence = new Presence(this.fanOut);
    this.positions = new PositionKeeper(this.world, storage.profiles, logger);
  }

  async load(): Promise<void> {
    await this.chatLog.load();
  }

  /** The chat rate by account (tests and benchmarks raise it); a new rate starts every account afresh. */
  get chatRate(): { burst: number; perSecond: number } {
    return this.chat.rate;
  }

  set chatRate(rate: { burst: number; perSecond: number }) {
    this.chat.rate = rate;
  }

  get playerCount(): number {
    return this.members.size;
  }

  /** Bodies the world may hold (its capacity). */
  get capacity(): number {
    return this.opts.maxPlayers ?? 5000;
  }

  /** Whether the player has a body here (live or in its grace period). */
  has(playerId: number): boolean {
    return this.members.has(playerId);
  }

  get inGraceCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (!m.port) n++;
    return n;
  }

  /** Everyone in the world, for the status page. */
  roster(): Array<{ id: number; name: string; character: number; port: PlayerPort | null }> {
    return [...this.members.values()].map((m) => ({ id: m.id, name: m.name, character: m.character, port: m.port }));
  }

  /** The player a connection carries, or null (not joined yet, or replaced). */
  playerIdOf(port: PlayerPort): number | null {
    return this.visits.get(port)?.member?.id ?? null;
  }

  // ---- seating -------------------------------------------------------------------------------

  /** A connection offered a resume token in its upgrade request. True when it resumed. */
  async tryResume(port: PlayerPort, offer: ResumeOffer): Promise<boolean> {
    const visit = this.visitOf(port);
    if (visit.member || visit.joining) return false;
    visit.joining = true;
    try {
      const claim = await this.sessions.claim(offer.resumeToken);
      let member = claim ? this.members.get(claim.playerId) : undefined;
      // A world restored on this node from a checkpoint older than the player's join: its body
      // is made from the session and the profile's saved position.
      if (claim && !member && claim.profile) member = await this.bodyFromProfile(claim.playerId, claim.profile);
      if (!claim || !member) {
        if (claim) this.sessions.close(claim.playerId);
        this.logger.log('info', 'resume_refused', { conn: port.connId, reason: 'unknown_or_expired' });
        port.send({ t: 'resume_failed', reason: 'unknown' });
        this.metrics?.resumeRefused();
        return false;
      }
      if (this.gone(port, visit)) {
        this.handOffLost(member);
        return false;
      }
      if (this.admission.refusedTooOften(port, member.id, 'reconnects')) {
        // The claim rotated the token: the player comes back through its account token.
        this.handOffLost(member);
        return false;
      }
      this.metrics?.resumed(member.port ? 0 : claim.awayMs);
      this.seat(member, port, visit, CloseCode.Replaced, 'replaced by a newer connection of the same session');
      this.sendWelcome(member, port, claim.token, undefined, true, offer.lastChatSeq);
      this.logger.log('info', 'resume', { conn: port.connId, player: member.id, name: member.name });
      return true;
    } finally {
      visit.joining = false;
    }
  }

  async join(port: PlayerPort, hello: Hello): Promise<void> {
    const visit = this.visitOf(port);
    if (visit.member || visit.joining) {
      port.send({ t: 'error', code: 'already_joined', message: 'This connection has already joined.' });
      return;
    }
    visit.joining = true;
    try {
      const admitted = await this.admission.check(port, visit, hello);
      if (admitted && !this.gone(port, visit)) await this.admit(port, visit, admitted, hello.lastChatSeq);
    } finally {
      visit.joining = false;
    }
  }

  private async admit(port: PlayerPort, visit: Visit, admitted: Admitted, lastChatSeq: number | undefined): Promise<void> {
    const { profile, name, character, accountToken } = admitted;
    // A new session either way: for a takeover the other tab's token stops working.
    const token = await this.sessions.open({ id: profile.id, name, character });
    const existing = this.members.get(profile.id);
    if (this.gone(port, visit)) {
      // (A takeover's other tab keeps playing; its old token is gone, so after a drop it comes
      // back through its account token instead of a resume.)
      if (existing) this.handOffLost(existing);
      else this.sessions.close(profile.id);
      return;
    }
    if (existing) {
      // The same profile from another tab or device: the newer connection takes the seat.
      existing.name = name;
      existing.character = character;
      this.seat(existing, port, visit, CloseCode.TakenOver, 'taken over: this player joined from another tab or device');
      this.sendWelcome(existing, port, token, accountToken, false, lastChatSeq);
      this.presence.joined(this.infoOf(existing));
      this.logger.log('info', 'takeover', { conn: port.connId, player: existing.id, name });
      return;
    }
    // Checked again: other joins may have filled the world while this one waited.
    const full = this.admission.caps.newBody(this.members.size);
    if (full) {
      this.sessions.close(profile.id);
      this.admission.refuse(port, full, 'world_full');
      return;
    }
    this.replay.sessionOpened(profile.id);
    const member: Member = { id: profile.id, name, character, port: null, needsFullState: true, address: port.addressKey };
    this.members.set(member.id, member);
    this.world.add(member.id, profile.x, profile.y, profile.facing as Facing);
    this.seat(member, port, visit, CloseCode.Replaced, 'replaced');
    this.sendWelcome(member, port, token, accountToken, false, lastChatSeq);
    this.presence.joined(this.infoOf(member));
    this.logger.log('info', 'join', { conn: port.connId, player: member.id, name, character, addr: port.remoteAddress });
  }

  /** Puts a connection under a player, closing the one it had (stale, or another tab's). */
  private seat(member: Member, port: PlayerPort, visit: Visit, oldCloseCode: number, oldReason: string): void {
    const old = member.port;
    if (old && old !== port) {
      const oldVisit = this.visits.get(old);
      if (oldVisit) oldVisit.member = null;
      this.fanOut.detach(member.id, this.fanOutPort(member.id, old));
      old.close(oldCloseCode, oldReason);
    }
    member.port = port;
    member.address = port.addressKey;
    this.grace.left(member.id);
    member.needsFullState = true;
    visit.member = member;
    this.world.clearInputs(member.id);
    const wb = this.world.bodies.get(member.id);
    if (wb?.reconnecting) {
      wb.reconnecting = false;
      this.presence.live(member.id);
    }
    this.fanOut.attach(member.id, this.fanOutPort(member.id, port));
  }

  /** The port as given to the fan-out: what it sends waits behind a pending replay or roster. */
  private fanOutPort(playerId: number, port: PlayerPort): PlayerPort {
    let wrapped = this.fanOutPorts.get(port);
    if (!wrapped) {
      wrapped = behindDrip(this.drip, playerId, port);
      this.fanOutPorts.set(port, wrapped);
    }
    return wrapped;
  }

  /**
   * The connection that was to get a seat closed while its session was being opened or claimed:
   * a player left without a connection goes (back) into its grace period.
   */
  private handOffLost(member: Member): void {
    if (!member.port) this.holdSeat(member);
  }

  private sendWelcome(member: Member, port: PlayerPort, resumeToken: string, accountToken: string | undefined, resumed: boolean, lastChatSeq: number | undefined): void {
    const wb = this.world.bodies.get(member.id)!;
    // The nearest players now, the rest streamed (roster-welcome.ts): the welcome stays small.
    // A tether.1 client knows no `roster` message: it gets everyone in the welcome, as before.
    const listed = port.protocolVersion >= 2 ? WELCOME_PLAYERS : Number.POSITIVE_INFINITY;
    const { near, rest } = splitNearest(this.members.values(), wb.body.x, wb.body.y, listed, (m) => this.world.bodies.get(m.id)?.body ?? wb.body);
    port.send({
      t: 'welcome',
      v: PROTOCOL_VERSION,
      you: this.infoOf(member),
      resumeToken,
      ...(accountToken ? { accountToken } : {}),
      resumed,
      graceMs: this.opts.graceMs,
      rules: this.opts.rules,
      players: near.map((m) => this.infoOf(m)),
      ...(rest.length > 0 ? { rosterRest: rest.length } : {}),
      tick: this.world.tick,
      serverTimeMs: this.clock.now(),
      ackSeq: wb.ackSeq,
      chatSeq: this.chat.lastSeq,
      world: this.name,
      ...(this.clusterNodes ? { nodes: [...this.clusterNodes()] } : {}),
    });
    // What was pending belonged to an older connection's welcome.
    this.drip.cancel(member.id);
    if (rest.length > 0) {
      this.drip.add(member.id, port, rosterSource(rest.map((m) => m.id), (id) => {
        const m = this.members.get(id);
        return m ? this.infoOf(m) : undefined;
      }));
    }
    this.chat.replay(member, port, lastChatSeq);
  }

  // ---- leaving -------------------------------------------------------------------------------

  /** The connection closed. `onPurpose`: the player left (tab closed); otherwise the grace period starts. */
  disconnected(port: PlayerPort, onPurpose: boolean, code: number): void {
    const member = this.visits.get(port)?.member;
    this.visits.delete(port);
    if (!member || member.port !== port || this.shuttingDown) return;
    member.port = null;
    this.fanOut.detach(member.id, this.fanOutPort(member.id, port));
    const leaving = onPurpose || this.opts.graceMs === 0;
    this.metrics?.disconnected(leaving ? 'left' : 'dropped');
    if (leaving) {
      this.remove(member, 'closed');
      return;
    }
    const wb = this.world.bodies.get(member.id);
    if (wb) {
      wb.reconnecting = true;
      this.world.clearInputs(member.id);
    }
    this.holdSeat(member);
    this.presence.reconnecting(member.id);
    this.logger.log('info', 'dropped', { conn: port.connId, player: member.id, code, graceMs: this.opts.graceMs });
    // Join-then-drop leaves a body for the whole grace period: one address keeps a few at most.
    for (const id of this.grace.entered(member.id, member.address)) {
      const ghost = this.members.get(id);
      if (!ghost || ghost.port) continue;
      this.metrics?.disconnected('grace_expired');
      this.remove(ghost, 'grace_expired');
    }
  }

  private holdSeat(member: Member): void {
    this.sessions.hold(member.id, this.opts.graceMs, () => {
      if (member.port || this.members.get(member.id) !== member) return;
      this.metrics?.disconnected('grace_expired');
      this.remove(member, 'grace_expired');
    });
  }

  private remove(member: Member, reason: LeaveReason, endSession = true): void {
    this.positions.save([member.id]);
    this.world.remove(member.id);
    this.members.delete(member.id);
    this.grace.left(member.id);
    this.drip.cancel(member.id);
    this.replay.sessionClosed(member.id);
    if (endSession) this.sessions.close(member.id);
    this.presence.left(member.id, reason);
    this.logger.log('info', 'leave', { player: member.id, name: member.name, reason, world: this.name });
  }

  // ---- moving worlds between nodes (cluster mode) ----------------------------------------------

  /**
   * Bodies from a checkpoint of this world written by its previous owner: each player is away
   * (in its grace period) until it resumes here. Called before the world takes players.
   */
  restore(bodies: readonly BodyRecord[]): void {
    for (const b of bodies) {
      if (this.members.has(b.id)) continue;
      this.addAway(b.id, b.name, b.character, b.x, b.y, b.facing as Facing);
    }
  }

  /** Every body, for a checkpoint. */
  checkpoint(): BodyRecord[] {
    const out: BodyRecord[] = [];
    for (const m of this.members.values()) {
      const b = this.world.bodies.get(m.id)?.body;
      if (b) out.push({ id: m.id, x: b.x, y: b.y, facing: b.facing, name: m.name, character: m.character });
    }
    return out;
  }

  /**
   * The world stops running here (it moves to another node, or this node lost it): every
   * connected player is sent on — to `url` with `moved` when the next owner is known, otherwise
   * told to come back shortly (`restarting`), which brings it back through any node. Sessions
   * stay where they are (a shared registry keeps them for the next owner).
   */
  stopHere(next: { world: string; url: string } | null, retryAfterMs: number): void {
    this.shuttingDown = true;
    this.sessions.shutdown();
    for (const m of this.members.values()) {
      const port = m.port;
      if (!port) continue;
      if (next) {
        sendMoved(port, next.world, next.url);
      } else {
        port.send({ t: 'restarting', retryAfterMs });
        port.close(CloseCode.ServerRestarting, 'world moving to another server');
      }
    }
    this.positions.save(this.members.keys());
  }

  private async bodyFromProfile(playerId: number, who: { name: string; character: number }): Promise<Member | undefined> {
    const profile = await this.storage.profiles.findById(playerId);
    if (this.members.has(playerId)) return this.members.get(playerId);
    const at = profile ?? { ...this.world.spawnPoint(this.random), facing: 0 };
    return this.addAway(playerId, who.name, who.character, at.x, at.y, at.facing as Facing);
  }

  /** A body whose player is away: in the world, drawn as reconnecting, its seat held for the grace period. */
  private addAway(id: number, name: string, character: number, x: number, y: number, facing: Facing): Member {
    const member: Member = { id, name, character, port: null, needsFullState: true, address: '' };
    this.members.set(id, member);
    this.replay.sessionOpened(id);
    const wb = this.world.add(id, x, y, facing);
    wb.reconnecting = true;
    this.holdSeat(member);
    this.presence.joined(this.infoOf(member));
    return member;
  }

  /**
   * The player went to another world of this process: its body here goes (others see it leave),
   * and a tab still playing here is closed as taken over. Its session is the new world's now, so
   * it is left alone.
   */
  evict(playerId: number): void {
    const member = this.members.get(playerId);
    if (!member) return;
    const port = member.port;
    if (port) {
      const visit = this.visits.get(port);
      if (visit) visit.member = null;
      this.fanOut.detach(member.id, this.fanOutPort(member.id, port));
      member.port = null;
      port.close(CloseCode.TakenOver, 'taken over: this player joined another world');
    }
    this.remove(member, 'closed', false);
  }

  leave(port: PlayerPort): void {
    this.disconnected(port, true, CloseCode.Left);
    port.close(CloseCode.Left, 'left');
  }

  // ---- playing -------------------------------------------------------------------------------

  input(port: PlayerPort, firstSeq: number, dirs: readonly number[]): void {
    const id = this.playerIdOf(port);
    if (id === null) return;
    for (let i = 0; i < dirs.length; i++) {
      if (this.world.queueInput(id, firstSeq + i, dirs[i]!) === 'overflow') {
        this.logger.log('debug', 'input_dropped', { conn: port.connId, player: id, reason: 'queue_full' });
      }
    }
  }

  /** Binary input frames (input-codec.ts): runs of [dirs, count] from firstSeq on, one input per tick. */
  inputRuns(port: PlayerPort, firstSeq: number, runs: readonly number[]): void {
    const id = this.playerIdOf(port);
    if (id === null) return;
    let seq = firstSeq;
    let dropped = false;
    for (let i = 0; i < runs.length; i += 2) {
      const dirs = runs[i]!;
      for (let end = seq + runs[i + 1]!; seq < end; seq++) {
        if (this.world.queueInput(id, seq, dirs) === 'overflow') dropped = true;
      }
    }
    if (dropped) this.logger.log('debug', 'input_dropped', { conn: port.connId, player: id, reason: 'queue_full' });
  }

  /** A token bucket decides whether this chat may be posted; returns false and tells the sender if not. */
  allowChat(port: PlayerPort, clientId: string): boolean {
    const member = this.visits.get(port)?.member;
    return member ? this.chat.allow(member, port, clientId) : false;
  }

  say(port: PlayerPort, clientId: string, raw: string): void {
    const member = this.visits.get(port)?.member;
    if (member) this.chat.say(member, port, clientId, raw);
  }

  /** One tick: advance the world, then send everyone the new state. */
  tick(): void {
    this.world.step();
    // Roster and replay slices join this tick's frames.
    this.drip.pump();
    // Members are recipients as they are (id, port, needsFullState): no per-tick objects.
    this.broadcaster.broadcast(this.world, this.members.values());
  }

  /** Writes moved players' positions to storage; called periodically. */
  flushPositions(): void {
    this.positions.flushMoved();
  }

  /** Shutdown: everyone is told to come back after `retryAfterMs`; positions are saved. */
  shutdown(retryAfterMs: number): void {
    if (this.ownsPasswordAttempts) this.passwordAttempts.close();
    this.shuttingDown = true;
    this.sessions.shutdown();
    for (const m of this.members.values()) {
      if (m.port) {
        m.port.send({ t: 'restarting', retryAfterMs });
        m.port.close(CloseCode.ServerRestarting, 'server restarting');
      }
    }
    this.positions.save(this.members.keys());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private visitOf(port: PlayerPort): Visit {
    let visit = this.visits.get(port);
    if (!visit) {
      visit = { member: null, joining: false, badPasswords: 0 };
      this.visits.set(port, visit);
    }
    return visit;
  }

  /** The connection closed (either side) while the room was waiting for sessions or storage. */
  private gone(port: PlayerPort, visit: Visit): boolean {
    return port.closed || this.visits.get(port) !== visit;
  }

  private infoOf(m: Member): PlayerInfo {
    const wb = this.world.bodies.get(m.id);
    return { id: m.id, name: m.name, character: m.character, x: wb?.body.x ?? 0, y: wb?.body.y ?? 0, facing: wb?.body.facing ?? 0, state: m.port ? 'live' : 'reconnecting' };
  }
}
