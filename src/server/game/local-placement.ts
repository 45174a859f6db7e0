/**
 * Worlds in one process (single-process mode): the configured worlds open at start and stay;
 * more open on demand — an overflow world when every world is full (`lobby-2`, `lobby-3`, ...),
 * or the world an invite link names — up to `maxWorlds`, and close again once they have been
 * empty for `emptyCloseMs`. A profile is in one world at a time (lobby.ts moves it).
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../logger.js';
import type { LocalSessionRegistry } from '../sessions/local-session-registry.js';
import type { Room } from './room.js';
import { quickJoinWorld, type WorldLocation, type WorldPlacement, type WorldSummary } from './world-placement.js';

export interface WorldSpec {
  readonly name: string;
  readonly capacity: number;
}

export interface LocalPlacementOptions {
  /** Open from the start and never closed; the first is where quick joins go first. */
  readonly configured: readonly WorldSpec[];
  /** Capacity of worlds opened on demand. */
  readonly capacity: number;
  /** Worlds open at once, configured ones included. */
  readonly maxWorlds: number;
  /** A world opened on demand closes after this long without a body. */
  readonly emptyCloseMs: number;
}

export class LocalPlacement implements WorldPlacement {
  readonly rooms = new Map<string, Room>();
  private readonly opening = new Map<string, Promise<Room>>();
  /** When each on-demand world was last seen empty (absent: it has bodies). */
  private readonly emptySince = new Map<string, number>();
  private readonly configured: ReadonlySet<string>;

  constructor(
    private readonly opts: LocalPlacementOptions,
    /** Builds and loads a room (its chat history) for a world. */
    private readonly openRoom: (spec: WorldSpec) => Promise<Room>,
    private readonly sessions: LocalSessionRegistry,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    if (opts.configured.length === 0) throw new Error('at least one world must be configured');
    this.configured = new Set(opts.configured.map((w) => w.name));
  }

  /** Opens the configured worlds. */
  async start(): Promise<void> {
    for (const spec of this.opts.configured) await this.open(spec);
  }

  async quickJoin(): Promise<string> {
    return quickJoinWorld(this.opts.configured, (name) => {
      const room = this.rooms.get(name);
      return !room || room.playerCount < room.capacity;
    });
  }

  async locate(world: string): Promise<WorldLocation> {
    const room = this.rooms.get(world);
    if (room) return { kind: 'here', room };
    if (this.rooms.size + this.opening.size >= this.opts.maxWorlds && !this.opening.has(world)) {
      return { kind: 'unavailable', message: `There are ${this.opts.maxWorlds} worlds already; pick one of them or try later.` };
    }
    return { kind: 'here', room: await this.open({ name: world, capacity: this.opts.capacity }) };
  }

  async sessionWorld(resumeToken: string): Promise<string | undefined> {
    const playerId = this.sessions.peek(resumeToken);
    if (playerId === undefined) return undefined;
    for (const room of this.rooms.values()) if (room.has(playerId)) return room.name;
    return undefined;
  }

  async list(): Promise<WorldSummary[]> {
    const out: WorldSummary[] = [];
    for (const spec of this.opts.configured) {
      const room = this.rooms.get(spec.name);
      out.push({ name: spec.name, players: room?.playerCount ?? 0, capacity: room?.capacity ?? spec.capacity });
    }
    for (const room of this.rooms.values()) {
      if (!this.configured.has(room.name)) out.push({ name: room.name, players: room.playerCount, capacity: room.capacity });
    }
    return out;
  }

  async nodeUrls(): Promise<string[]> {
    return [];
  }

  /**
   * Closes worlds opened on demand that have stayed empty for `emptyCloseMs` (called now and
   * then). Their chat stays in storage for when the world opens again.
   */
  closeIdle(): void {
    const now = this.clock.now();
    for (const room of [...this.rooms.values()]) {
      if (this.configured.has(room.name)) continue;
      if (room.playerCount > 0) {
        this.emptySince.delete(room.name);
        continue;
      }
      const since = this.emptySince.get(room.name);
      if (since === undefined) this.emptySince.set(room.name, now);
      else if (now - since >= this.opts.emptyCloseMs) {
        this.rooms.delete(room.name);
        this.emptySince.delete(room.name);
        room.shutdown(0);
        this.logger.log('info', 'world_closed', { world: room.name, emptyMs: Math.round(now - since) });
      }
    }
  }

  private open(spec: WorldSpec): Promise<Room> {
    const pending = this.opening.get(spec.name);
    if (pending) return pending;
    const opened = this.openRoom(spec).then(
      (room) => {
        this.opening.delete(spec.name);
        this.rooms.set(spec.name, room);
        this.logger.log('info', 'world_opened', { world: spec.name, capacity: spec.capacity });
        return room;
      },
      (err: unknown) => {
        this.opening.delete(spec.name);
        throw err;
      },
    );
    this.opening.set(spec.name, opened);
    return opened;
  }
}
