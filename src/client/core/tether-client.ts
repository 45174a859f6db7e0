/**
 * The game client without a screen: joins, keeps the player through drops (resume within the
 * grace period, or rejoin with the account token after a server restart), tracks everyone's
 * state, predicts the own player, interpolates the others, and delivers chat exactly once.
 * The browser renders from it; bots and tests drive it directly. No DOM, no Node.
 *
 * Life of a reconnect: the connection notices silence or a close -> status `reconnecting` ->
 * a new socket offers the resume token in its upgrade -> `welcome` (resumed) arrives with the
 * current state; or `resume_failed` -> `hello` with the account token -> `welcome` (a new
 * session of the same profile). Either way: unacknowledged chat is resent with its original id
 * (the server drops repeats), chat missed meanwhile is replayed after our last seq, inputs
 * pressed into the dead link are forgotten, and the own player restarts from the server's state.
 */
import type { Clock } from '../../shared/clock.js';
import { CloseCode } from '../../shared/close-codes.js';
import { checkChatText } from '../../shared/chat-text.js';
import { type Body } from '../../shared/movement.js';
import {
  PROTOCOL_VERSION,
  decodeServerMessage,
  encodeMessage,
  type ChatLine,
  type ClientMessage,
  type ErrorCode,
  type PlayerInfo,
  type ServerMessage,
  type Welcome,
} from '../../shared/protocol.js';
import { subprotocolsFor } from '../../shared/resume-offer.js';
import { decodeSnapshot, SNAPSHOT_FULL, type Snapshot } from '../../shared/snapshot-codec.js';
import type { WorldRules } from '../../shared/world-rules.js';
import type { BackoffOptions } from '../../shared/backoff.js';
import { ChatOutbox } from './chat-outbox.js';
import { ReconnectingConnection, type LinkStatus, type LivenessOptions } from './connection.js';
import { Emitter } from './emitter.js';
import { InputTicker, type InputSink } from './input-ticker.js';
import type { InterpolationBuffer } from './interpolation.js';
import { PlaybackClock } from './playback-clock.js';
import { Predictor } from './prediction.js';
import { RenderState } from './render-state.js';
import { RosterSync } from './roster-sync.js';
import { ServerClock } from './server-clock.js';
import { RemotePlayerView } from './world-view.js';
import type { TransportFactory } from './transport.js';

export interface TetherClientOptions {
  /**
   * WebSocket URL of the server, e.g. ws://127.0.0.1:5000/ws: the home node, where the client
   * comes back to when the node it was sent to cannot be reached.
   */
  readonly url: string;
  /** The world to join (an invite link); absent: a quick join, the server picks one with room. */
  readonly world?: string | undefined;
  /**
   * Whether a `moved` may send this client to `url`, besides the nodes a welcome listed (a cluster
   * lists its nodes' URLs at /worlds and in every welcome). Default: only to the home URL's own
   * host and port.
   */
  readonly mayMoveTo?: (url: string) => boolean;
  /** More nodes to try when the node the client was sent to fails (besides those a welcome listed). */
  readonly fallbackUrls?: () => readonly string[];
  readonly transport: TransportFactory;
  readonly clock: Clock;
  readonly name: string;
  readonly character: number;
  readonly accountToken?: string | undefined;
  /**
   * Makes a new account secret (at least 128 random bits, 22-64 of [A-Za-z0-9_-]) for a name this
   * client has no token for: the profile is created with it, so a welcome lost on the way does not
   * lose the name. Default: 24 bytes from the platform's crypto.getRandomValues, where there is one.
   */
  readonly newSecret?: () => string;
  readonly password?: string | undefined;
  readonly random?: () => number;
  readonly backoff?: BackoffOptions;
  readonly liveness?: LivenessOptions;
  /** Initial playback delay for other players (default 2 update intervals); then adapted to jitter. */
  readonly playbackDelayMs?: number;
  /** Inputs of unchanged keys sent per message (input-batcher.ts; default 4, 1 = every tick). */
  readonly inputFlushTicks?: number;
}

export interface RemotePlayer {
  info: PlayerInfo;
  readonly buffer: InterpolationBuffer;
}

export type { OutgoingChat } from './chat-outbox.js';

export interface TetherClientEvents {
  status: (status: LinkStatus) => void;
  welcome: (welcome: Welcome) => void;
  /** A join was refused (bad name, taken name, wrong password): the join screen shows it. */
  refused: (code: ErrorCode, message: string) => void;
  /** A new account token to keep (first join with a new name). */
  account: (name: string, accountToken: string) => void;
  joined: (player: PlayerInfo) => void;
  left: (id: number, reason: string) => void;
  presence: (id: number, state: 'live' | 'reconnecting') => void;
  chat: (line: ChatLine) => void;
  chatRejected: (id: string, reason: string, retryAfterMs: number | undefined) => void;
  snapshot: (snapshot: Snapshot) => void;
}

/** The platform's crypto, where there is one (browsers, Node 20); declared here, the core has no DOM or Node types. */
declare const crypto: { getRandomValues(bytes: Uint8Array): Uint8Array } | undefined;

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * 32 characters of the base64url alphabet, each from six bits of its own random byte: 192 bits,
 * like the server's secrets. '' without a crypto source.
 */
function platformSecret(): string {
  if (typeof crypto === 'undefined') return '';
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => SECRET_ALPHABET[b & 63]!).join('');
}

/** A node that refused our connection is not moved to again for this long. */
const UNREACHABLE_FOR_MS = 3000;
/** After a move to such a node was put off, the sender is asked again after about this long. */
const MOVE_RETRY_MS = 300;

/**
 * Same scheme, host and port: a move that stays where the client already was. (By hand: the
 * client core runs where neither the DOM's nor Node's URL is declared.)
 */
export function sameEndpoint(a: string, b: string): boolean {
  const origin = (u: string) => /^(wss?:\/\/[^/?#]+)/i.exec(u)?.[1]?.toLowerCase();
  const x = origin(a);
  return x !== undefined && x === origin(b);
}

export class TetherClient extends Emitter<TetherClientEvents> {
  readonly connection: ReconnectingConnection;
  readonly serverClock = new ServerClock();
  readonly players = new Map<number, RemotePlayerView>();
  readonly chatLog: ChatLine[] = [];
  /** Chat typed but not yet acknowledged (chat-outbox.ts). */
  readonly outbox: ChatOutbox;
  selfId: number | null = null;
  rules: WorldRules | null = null;
  predictor: Predictor | null = null;
  lastChatSeq: number | undefined = undefined;
  lastTick = 0;
  resumes = 0;
  rejoins = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** Session secrets; the resume token is kept only in memory (and the browser's sessionStorage). */
  resumeToken: string | null = null;
  accountToken: string | undefined;
  /** The world the client is in (from the welcome), or is going to. */
  world: string | undefined;
  /** The cluster's nodes, as the last welcome listed them (empty for a single server). */
  clusterNodes: readonly string[] = [];
  /** Where the next socket goes: the home URL, or the node a `moved` sent us to. */
  currentUrl: string;
  /** `moved` messages followed, refused (an URL the cluster does not list), and put off (to a node that just refused us). */
  moves = 0;
  movesRefused = 0;
  movesDeferred = 0;
  /** The playhead for other players: adaptive playback delay from measured arrival jitter. */
  readonly playback: PlaybackClock;
  /** Where to draw everyone this frame (render-state.ts): the renderer's one call. */
  readonly view: RenderState;
  private readonly inputs: InputTicker;
  private readonly inputSink: InputSink = {
    apply: (seq, dirs) => this.predictor?.apply(seq, dirs),
    send: (frame) => {
      if (this.connection.send(frame)) this.bytesOut += frame.byteLength;
    },
  };
  private pingId = 0;
  private readonly pingsInFlight = new Map<number, number>();
  private readonly random: () => number;
  private readonly viewContext = { latestTick: () => this.lastTick, rules: () => this.rules };
  private readonly roster = new RosterSync();
  /** The last socket was abandoned for silence (not closed). */
  private lastDropSilent = false;
  /** The name whose account secret this client made itself (told to the `account` listeners on start). */
  private ownSecretFor: string | null = null;
  /** Node URLs whose socket just failed to open, and until when a move there is put off. */
  private readonly unreachableUntil = new Map<string, number>();

  constructor(private readonly opts: TetherClientOptions) {
    super();
    this.world = opts.world;
    this.currentUrl = opts.url;
    this.random = opts.random ?? Math.random;
    this.inputs = new InputTicker(opts.inputFlushTicks);
    this.outbox = new ChatOutbox({
      clock: opts.clock,
      random: this.random,
      live: () => this.connection.live,
      send: (id, text) => this.send({ t: 'chat', id, text }),
    });
    this.accountToken = opts.accountToken;
    if (this.accountToken === undefined) {
      this.accountToken = (opts.newSecret ?? platformSecret)();
      this.ownSecretFor = opts.name;
    }
    this.playback = new PlaybackClock(opts.playbackDelayMs !== undefined ? { initialDelayMs: opts.playbackDelayMs } : {});
    this.view = new RenderState(this);
    // Every state frame is a jitter sample for the playback clock (arrival time vs tick time).
    this.on('snapshot', (s) => {
      if (this.rules) this.playback.onFrame((s.tick * 1000) / this.rules.tickRateHz, this.opts.clock.now());
    });
    this.connection = new ReconnectingConnection({
      url: () => this.nextUrl(),
      transport: opts.transport,
      clock: opts.clock,
      random: this.random,
      protocols: () => subprotocolsFor(this.resumeToken ? { resumeToken: this.resumeToken, lastChatSeq: this.lastChatSeq ?? 0 } : null),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.liveness ? { liveness: opts.liveness } : {}),
    });
    this.connection.on('open', () => {
      if (!this.resumeToken) this.sendHello();
    });
    this.connection.on('message', (data) => this.receive(data));
    this.connection.on('heartbeat', () => this.ping());
    this.connection.on('status', (s) => this.emit('status', s));
    this.connection.on('drop', (_code, _reason, silentMs) => (this.lastDropSilent = silentMs !== null));
  }

  get status(): LinkStatus {
    return this.connection.status;
  }

  get self(): RemotePlayerView | undefined {
    return this.selfId === null ? undefined : this.players.get(this.selfId);
  }

  start(): void {
    // Kept before the first hello: a reload before the welcome comes back with it.
    if (this.ownSecretFor !== null && this.accountToken) this.emit('account', this.ownSecretFor, this.accountToken);
    this.ownSecretFor = null;
    this.connection.start();
  }

  /** Leaves the world on purpose: others see the player go at once. */
  leave(): void {
    this.send({ t: 'leave' });
    this.connection.stop(CloseCode.Left, 'left', 1000);
    this.outbox.failAll();
  }

  /** Stops without telling the server (tests use it to simulate a vanished client). */
  dispose(): void {
    this.connection.stop(CloseCode.Left, 'disposed', CloseCode.ClientReconnecting);
    this.outbox.cancelRetry();
  }

  retryNow(): void {
    this.connection.retryNow();
  }

  /**
   * The page is back from the background (its timers may have slept for minutes): check the link
   * now, and ping at once so a link that died silently shows within a round trip, not a watchdog.
   */
  checkLink(): void {
    this.connection.checkNow();
    if (this.connection.live) this.ping();
  }

  // ---- input and prediction ------------------------------------------------------------------

  setHeldDirs(dirs: number): void {
    this.inputs.heldDirs = dirs;
  }

  /**
   * Advances the fixed input tick to `nowMs` (input-ticker.ts): called every frame by the
   * browser and on a timer by bots. While not live, no inputs are made.
   */
  advance(nowMs: number): void {
    const live = this.rules !== null && this.predictor !== null && this.connection.live;
    this.inputs.advance(nowMs, live ? 1000 / this.rules!.tickRateHz : null, this.inputSink);
  }

  /** Fraction of the current input tick that has elapsed, for sub-tick rendering. */
  get tickFraction(): number {
    return this.rules ? this.inputs.fraction(1000 / this.rules.tickRateHz) : 0;
  }

  get heldDirections(): number {
    return this.inputs.heldDirs;
  }

  // ---- chat ----------------------------------------------------------------------------------

  /** Queues a chat line; sent now if live, or after the resume. Returns its id or a refusal. */
  say(raw: string): { ok: true; id: string } | { ok: false; reason: string } {
    const checked = checkChatText(raw);
    if (!checked.ok) return { ok: false, reason: checked.reason };
    return { ok: true, id: this.outbox.add(checked.text) };
  }

  // ---- time ----------------------------------------------------------------------------------

  /**
   * The server tick timeline in ms (tick * tickMs) as of `nowMs`: the newest tick data could have
   * reached us by now over the least-delayed path (playback-clock.ts); 0 before the first frame.
   */
  serverTimeMs(nowMs: number): number {
    return this.playback.timeline(nowMs);
  }

  /** How far behind the newest data other players are drawn (adaptive; see playback-clock.ts). */
  get playbackDelayMs(): number {
    return this.playback.delayMs;
  }

  /** Where to draw another player now: the same as `view.frame(nowMs).others.get(id)`. */
  remotePosition(id: number, nowMs: number): { x: number; y: number; facing: number; moving: boolean } | undefined {
    if (id === this.selfId || !this.players.has(id)) return undefined;
    return this.view.frame(nowMs).others.get(id);
  }

  // ---- receiving -----------------------------------------------------------------------------

  private receive(data: string | Uint8Array): void {
    this.bytesIn += typeof data === 'string' ? data.length : data.byteLength;
    if (typeof data !== 'string') {
      const decoded = decodeSnapshot(data);
      if (decoded.ok) this.applySnapshot(decoded.value);
      return;
    }
    const decoded = decodeServerMessage(data);
    if (decoded.ok) this.handle(decoded.value);
  }

  private handle(msg: ServerMessage): void {
    switch (msg.t) {
      case 'welcome':
        return this.onWelcome(msg);
      case 'resume_failed':
        this.resumeToken = null;
        this.sendHello();
        return;
      case 'roster':
        for (const info of msg.players) {
          this.roster.add(info.id);
          this.upsertPlayer(info, true);
        }
        if (msg.rest === 0) this.pruneRoster(this.roster.finish());
        return;
      case 'joined':
        this.roster.add(msg.player.id);
        this.upsertPlayer(msg.player);
        this.emit('joined', msg.player);
        return;
      case 'presence': {
        const p = this.players.get(msg.id);
        if (p) p.info = { ...p.info, state: msg.state };
        this.emit('presence', msg.id, msg.state);
        return;
      }
      case 'left':
        this.roster.forget(msg.id);
        this.players.delete(msg.id);
        this.emit('left', msg.id, msg.reason);
        return;
      case 'chat':
        return this.onChat(msg);
      case 'chat_rejected':
        // Lines resent after a resume are paced out instead of failed (chat-outbox.ts).
        if (this.outbox.rejected(msg.id, msg.reason, msg.retryAfterMs) !== 'paced') this.emit('chatRejected', msg.id, msg.reason, msg.retryAfterMs);
        return;
      case 'error':
        if (msg.code === 'name_invalid' || msg.code === 'name_taken' || msg.code === 'bad_password' || msg.code === 'world_full' || msg.code === 'too_many_new_names') {
          this.connection.stop(4100, msg.message);
          this.outbox.failAll();
        }
        this.emit('refused', msg.code, msg.message);
        return;
      case 'pong': {
        const sent = this.pingsInFlight.get(msg.id);
        this.pingsInFlight.delete(msg.id);
        // A pong that waited on the server for the next state frame says so; the wait is not network.
        if (sent !== undefined) this.serverClock.sample(sent, msg.st, this.opts.clock.now() - (msg.held ?? 0), msg.tick);
        return;
      }
      case 'restarting':
        this.connection.delayNextRetry(msg.retryAfterMs);
        return;
      case 'moved':
        return this.onMoved(msg.world, msg.url);
    }
  }

  /**
   * The world runs on another node: reconnect there at once with the same resume offer (or a
   * hello for that world). Only to URLs the cluster lists; anything else is treated as a drop,
   * and the client comes back through its home node.
   */
  private onMoved(world: string, url: string): void {
    const allowed = this.clusterNodes.includes(url) || (this.opts.mayMoveTo ? this.opts.mayMoveTo(url) : sameEndpoint(url, this.opts.url));
    if (!allowed) {
      this.movesRefused++;
      this.currentUrl = this.opts.url;
      return;
    }
    if (this.opts.clock.now() < (this.unreachableUntil.get(url) ?? -Infinity)) {
      // Sent to a node that just refused us: it died, and the sender has not noticed yet (its
      // lease still runs). Ask the sender again shortly, not the dead node; once the lease runs
      // out the world is claimed afresh and the sender takes us in.
      this.movesDeferred++;
      this.connection.delayNextRetry(MOVE_RETRY_MS);
      return;
    }
    this.moves++;
    if (this.selfId === null || this.resumeToken === null) this.world = world;
    this.currentUrl = url;
    this.connection.moveNow();
  }

  /**
   * Where the next socket goes. After a socket that never opened (its node is down or
   * unreachable), or one that went silent (a stalled node still accepts TCP connections but
   * never answers), the client tries the next of its home node and the cluster's other nodes, in
   * turn: any node routes it to its world, at the cost of one `moved` when its node was fine.
   * A single server has no other nodes: the client stays with it.
   */
  private nextUrl(): string {
    const c = this.connection;
    const silent = this.lastDropSilent;
    this.lastDropSilent = false;
    if (c && c.socketsOpened > 0 && !c.lastSocketOpened) this.unreachableUntil.set(this.currentUrl, this.opts.clock.now() + UNREACHABLE_FOR_MS);
    if (c && c.socketsOpened > 0 && (!c.lastSocketOpened || silent)) {
      const list = [...new Set([this.opts.url, ...this.clusterNodes, ...(this.opts.fallbackUrls?.() ?? [])])];
      this.currentUrl = list[(list.indexOf(this.currentUrl) + 1) % list.length]!;
    }
    return this.currentUrl;
  }

  private onWelcome(w: Welcome): void {
    const isResume = w.resumed;
    if (isResume) this.resumes++;
    else if (this.selfId !== null) this.rejoins++;
    if (!isResume) this.serverClock.reset();
    // A restarted server counts ticks from zero again: a new timeline for the playhead.
    if ((w.tick * 1000) / w.rules.tickRateHz < this.playback.newestTickTimeMs) this.playback.reset();
    this.serverClock.setTickMs(1000 / w.rules.tickRateHz);
    this.serverClock.tickSample(w.serverTimeMs, w.tick);
    this.playback.tickMs = 1000 / w.rules.tickRateHz;
    this.selfId = w.you.id;
    this.resumeToken = w.resumeToken;
    if (w.accountToken) {
      this.accountToken = w.accountToken;
      this.emit('account', w.you.name, w.accountToken);
    }
    this.rules = w.rules;
    // Chat is numbered per world: a welcome into another world starts its numbering afresh.
    if (w.world !== undefined && this.world !== undefined && w.world !== this.world) {
      this.lastChatSeq = undefined;
      this.chatLog.length = 0;
    }
    if (w.world !== undefined) this.world = w.world;
    if (w.nodes !== undefined) this.clusterNodes = w.nodes;
    if (this.lastChatSeq !== undefined && w.chatSeq < this.lastChatSeq) this.lastChatSeq = undefined;
    // The roster is replaced whole: anyone who left while we were away is simply not in it. In
    // a crowded world the rest of it streams in (roster-sync.ts); pruned once it is complete.
    const seen = new Set<number>();
    for (const info of w.players) {
      seen.add(info.id);
      this.upsertPlayer(info, true);
    }
    const more = (w.rosterRest ?? 0) > 0;
    this.roster.begin(seen, more);
    if (!more) this.pruneRoster(seen);
    const me: Body = { x: w.you.x, y: w.you.y, facing: w.you.facing as Body['facing'], moving: false };
    if (!this.predictor) this.predictor = new Predictor(me, w.rules);
    else this.predictor.reset(me, w.ackSeq);
    this.inputs.restart(w.ackSeq);
    this.pingsInFlight.clear();
    this.connection.markLive();
    this.ping();
    this.emit('welcome', w);
    this.outbox.resendAll();
  }

  private onChat(line: ChatLine): void {
    if (line.echo) this.outbox.acknowledged(line.echo);
    if (this.lastChatSeq !== undefined && line.seq <= this.lastChatSeq) return;
    this.lastChatSeq = line.seq;
    this.chatLog.push(line);
    if (this.chatLog.length > 500) this.chatLog.shift();
    this.emit('chat', line);
  }

  /**
   * A state frame. Deltas list only bodies whose motion changed; the rest keep stepping with the
   * dirs of their last record (world-view.ts). Full frames come after a welcome and after the
   * server skipped a frame for us, so they are always applied, whatever their tick (a restarted
   * server counts ticks from zero again).
   */
  private applySnapshot(s: Snapshot): void {
    const rules = this.rules;
    if (!rules) return;
    if (s.kind !== SNAPSHOT_FULL && s.tick <= this.lastTick) return;
    this.lastTick = s.tick;
    for (const b of s.bodies) {
      const p = this.players.get(b.id);
      if (p) p.applyRecord(s.tick, b, rules);
      else this.roster.stash(s.tick, b);
    }
    if (this.roster.streaming) for (const id of s.removed) this.roster.forget(id);
    // The own player: reconcile every frame against this tick's ack, listed or not.
    const me = this.self;
    const mine = me?.stateAt(s.tick);
    if (mine && this.predictor) this.predictor.reconcile(mine, s.ackSeq);
    this.emit('snapshot', s);
  }

  private upsertPlayer(info: PlayerInfo, resetBuffer = false): void {
    const existing = this.players.get(info.id);
    const state = { timeMs: this.serverTimeMs(this.opts.clock.now()), x: info.x, y: info.y, facing: info.facing as Body['facing'], moving: false };
    if (existing) {
      existing.info = info;
      // A player who did not move keeps its buffer, so a resume causes no visible jump.
      const last = existing.buffer.latest;
      if (resetBuffer && (!last || last.x !== info.x || last.y !== info.y)) existing.buffer.reset(state);
      return;
    }
    const view = new RemotePlayerView(info, this.viewContext);
    view.track.buffer.reset(state);
    this.players.set(info.id, view);
    // Streamed in after the state frames that carried its body: where the server has it now.
    const stashed = this.roster.take(info.id);
    if (stashed && this.rules) view.applyRecord(stashed.tick, stashed.state, this.rules);
  }

  private pruneRoster(keep: ReadonlySet<number> | null): void {
    if (keep) for (const id of [...this.players.keys()]) if (!keep.has(id)) this.players.delete(id);
  }

  // ---- sending -------------------------------------------------------------------------------

  private sendHello(): void {
    this.send({
      t: 'hello',
      v: PROTOCOL_VERSION,
      name: this.opts.name,
      character: this.opts.character,
      ...(this.accountToken ? { accountToken: this.accountToken } : {}),
      ...(this.lastChatSeq !== undefined ? { lastChatSeq: this.lastChatSeq } : {}),
      ...(this.opts.password ? { password: this.opts.password } : {}),
      ...(this.world !== undefined ? { world: this.world } : {}),
    });
  }

  private ping(): void {
    const id = ++this.pingId;
    const now = this.opts.clock.now();
    this.pingsInFlight.set(id, now);
    if (this.pingsInFlight.size > 16) this.pingsInFlight.delete(this.pingsInFlight.keys().next().value as number);
    this.send({ t: 'ping', id, ct: now, ...(this.serverClock.synced ? { rtt: Math.round(this.serverClock.rttMs) } : {}) });
  }

  private send(msg: ClientMessage): boolean {
    const text = encodeMessage(msg);
    const ok = this.connection.send(text);
    if (ok) this.bytesOut += text.length;
    return ok;
  }
}
