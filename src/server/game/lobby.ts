/**
 * The door to the worlds: every connection comes through here before it reaches a room. A hello
 * names a world (an invite link, or where the player was) or asks for a quick join; a resume
 * token belongs to the world its session is in. The placement (world-placement.ts) says where
 * that world runs: in this process, the connection is handed to its room and every later message
 * goes there; on another node of a cluster, the player is told where (`moved`, then close 4019)
 * and reconnects there with the same hello or resume offer, one round trip later.
 *
 * A profile is in one world at a time: after it joins one, its body leaves any other world of
 * this process (a tab still playing there is closed as taken over).
 */
import { CloseCode } from '../../shared/close-codes.js';
import type { Hello } from '../../shared/protocol.js';
import type { ResumeOffer } from '../../shared/resume-offer.js';
import type { Logger } from '../logger.js';
import type { BroadcastStats } from './state-broadcaster.js';
import type { PlayerPort } from './player-port.js';
import type { Room } from './room.js';
import { sendMoved } from './send-moved.js';
import type { WorldPlacement } from './world-placement.js';

export interface LobbyMetrics {
  resumeRefused(): void;
  /** A player sent to the node that runs its world. */
  redirected(): void;
}

/** A player in one of this process's worlds, for the status page. */
export interface RosterEntry {
  readonly id: number;
  readonly name: string;
  readonly character: number;
  readonly world: string;
  readonly port: PlayerPort | null;
}

export class Lobby {
  private readonly roomOf = new Map<PlayerPort, Room>();
  /** Metrics hooks (set by the composition root). */
  metrics: LobbyMetrics | null = null;

  constructor(
    readonly placement: WorldPlacement,
    private readonly logger: Logger,
  ) {}

  get rooms(): ReadonlyMap<string, Room> {
    return this.placement.rooms;
  }

  // ---- arriving ------------------------------------------------------------------------------

  /** A connection offered a resume token in its upgrade request. */
  async tryResume(port: PlayerPort, offer: ResumeOffer): Promise<void> {
    const world = await this.placement.sessionWorld(offer.resumeToken);
    if (port.closed) return;
    if (world === undefined) return this.resumeUnknown(port);
    const where = await this.placement.locate(world);
    if (port.closed) return;
    switch (where.kind) {
      case 'here':
        this.bind(port, where.room);
        await where.room.tryResume(port, offer);
        return;
      case 'elsewhere':
        return this.moved(port, world, where.url);
      case 'unavailable':
        // The client falls back to its account token, with the world it was in.
        return this.resumeUnknown(port);
    }
  }

  async join(port: PlayerPort, hello: Hello): Promise<void> {
    const current = this.roomOf.get(port);
    if (current && current.playerIdOf(port) !== null) {
      port.send({ t: 'error', code: 'already_joined', message: 'This connection has already joined.' });
      return;
    }
    const world = hello.world ?? (await this.placement.quickJoin());
    if (port.closed) return;
    const where = await this.placement.locate(world);
    if (port.closed) return;
    switch (where.kind) {
      case 'here': {
        const room = where.room;
        this.bind(port, room);
        await room.join(port, hello);
        const id = room.playerIdOf(port);
        if (id !== null) for (const other of this.rooms.values()) if (other !== room) other.evict(id);
        return;
      }
      case 'elsewhere':
        return this.moved(port, world, where.url);
      case 'unavailable':
        port.send({ t: 'error', code: 'world_unavailable', message: where.message });
        return;
    }
  }

  // ---- playing: each message goes to the connection's room -----------------------------------

  playerIdOf(port: PlayerPort): number | null {
    return this.roomOf.get(port)?.playerIdOf(port) ?? null;
  }

  /** The tick of the connection's world (0 before it has one), for pongs. */
  tickOf(port: PlayerPort): number {
    return this.roomOf.get(port)?.world.tick ?? 0;
  }

  input(port: PlayerPort, firstSeq: number, dirs: readonly number[]): void {
    this.roomOf.get(port)?.input(port, firstSeq, dirs);
  }

  inputRuns(port: PlayerPort, firstSeq: number, runs: readonly number[]): void {
    this.roomOf.get(port)?.inputRuns(port, firstSeq, runs);
  }

  allowChat(port: PlayerPort, clientId: string): boolean {
    return this.roomOf.get(port)?.allowChat(port, clientId) ?? false;
  }

  say(port: PlayerPort, clientId: string, raw: string): void {
    this.roomOf.get(port)?.say(port, clientId, raw);
  }

  leave(port: PlayerPort): void {
    const room = this.roomOf.get(port);
    if (room) room.leave(port);
    else port.close(CloseCode.Left, 'left');
  }

  disconnected(port: PlayerPort, onPurpose: boolean, code: number): void {
    const room = this.roomOf.get(port);
    this.roomOf.delete(port);
    room?.disconnected(port, onPurpose, code);
  }

  // ---- running -------------------------------------------------------------------------------

  /** One tick of every world in this process. */
  tick(): void {
    for (const room of this.rooms.values()) if (this.placement.mayRun?.(room) ?? true) room.tick();
  }

  flushPositions(): void {
    for (const room of this.rooms.values()) room.flushPositions();
  }

  shutdown(retryAfterMs: number): void {
    for (const room of this.rooms.values()) room.shutdown(retryAfterMs);
  }

  // ---- figures for metrics and the status page -----------------------------------------------

  get playerCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.playerCount;
    return n;
  }

  get inGraceCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.inGraceCount;
    return n;
  }

  roster(): RosterEntry[] {
    const out: RosterEntry[] = [];
    for (const room of this.rooms.values()) for (const p of room.roster()) out.push({ ...p, world: room.name });
    return out;
  }

  /** State frames of all worlds together. */
  get stateStats(): BroadcastStats {
    const total: BroadcastStats = { framesSent: 0, framesSkipped: 0, fullFramesSent: 0, bytesSent: 0, lastDeltaBodies: 0 };
    for (const room of this.rooms.values()) {
      const s = room.broadcaster.stats;
      total.framesSent += s.framesSent;
      total.framesSkipped += s.framesSkipped;
      total.fullFramesSent += s.fullFramesSent;
      total.bytesSent += s.bytesSent;
      total.lastDeltaBodies += s.lastDeltaBodies;
    }
    return total;
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** From now on the connection's messages go to `room` (a hello for another world moves it). */
  private bind(port: PlayerPort, room: Room): void {
    const before = this.roomOf.get(port);
    if (before === room) return;
    // A connection whose hello was refused in one world (full, say) may ask for another.
    if (before) before.disconnected(port, true, 0);
    this.roomOf.set(port, room);
  }

  private resumeUnknown(port: PlayerPort): void {
    this.logger.log('info', 'resume_refused', { conn: port.connId, reason: 'unknown_or_expired' });
    port.send({ t: 'resume_failed', reason: 'unknown' });
    this.metrics?.resumeRefused();
  }

  /** Sends the player to the node that runs its world; the client reconnects there at once. */
  private moved(port: PlayerPort, world: string, url: string): void {
    this.metrics?.redirected();
    this.logger.log('info', 'moved', { conn: port.connId, world, url });
    sendMoved(port, world, url);
  }
}
