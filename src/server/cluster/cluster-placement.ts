/**
 * Where worlds run in a cluster (the game's WorldPlacement for a cluster node). Any node takes a
 * player's socket; this says whether the player's world runs here, runs on another node (the
 * lobby sends the player there with `moved`), or runs nowhere yet — then the least-loaded live
 * node claims it (this one, or the one the player is sent to, which claims it on arrival).
 *
 * Placement rule, the same on every node so that a redirect is never bounced back: a node
 * claims an unowned world if it is not draining and owns at most one world more than the
 * least-loaded live node; otherwise it sends the player to the least-loaded one. A draining node
 * names the node it hands a world to, and everyone sends the world's players there.
 *
 * A world without a lease is not always free. Its owner keeps writing fenced checkpoints to
 * PostgreSQL while Redis is away (and claims the world back when Redis returns empty), so a world
 * whose last checkpoint is younger than a lease and was not written as a release still has an
 * owner at work: nobody takes it. Worlds whose owner died or stalls stop being written: once the
 * checkpoint is a lease old they are claimed, by the node a returning player reaches (which waits
 * meanwhile) and by a scan every five seconds of such worlds that still hold bodies.
 */
import type { Clock } from '../../shared/clock.js';
import type { Room } from '../game/room.js';
import { quickJoinWorld, type WorldLocation, type WorldPlacement, type WorldSummary } from '../game/world-placement.js';
import type { Logger } from '../logger.js';
import { hashSecretHex } from '../sessions/secrets.js';
import type { ClusterDirectory, NodeEntry } from './cluster-directory.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';
import type { SessionStore } from './session-store.js';
import type { WorldHost } from './world-host.js';
import type { WorldCheckpoints } from './world-checkpoints.js';

export interface ClusterPlacementOptions {
  readonly nodeId: string;
  readonly host: WorldHost;
  readonly directory: ClusterDirectory;
  readonly sessions: SessionStore;
  readonly redis: RedisConnection;
  readonly keys: ClusterKeys;
  readonly checkpoints: WorldCheckpoints;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The worlds that are always listed, first one first for quick joins. */
  readonly configured: ReadonlyArray<{ readonly name: string; readonly capacity: number }>;
  /** Capacity of worlds opened on demand (overflow, invite links). */
  readonly capacity: number;
  /** Worlds running in the cluster at once. */
  readonly maxWorlds: number;
  readonly leaseTtlMs: number;
  readonly graceMs: number;
  readonly countCommands: (n: number) => void;
}

/** A world running in the cluster, and the node that runs it. */
export interface RunningWorld extends WorldSummary {
  readonly node: string;
}

/** How often a player waiting for a dead owner's lease looks again. */
const WAIT_STEP_MS = 100;

export class ClusterPlacement implements WorldPlacement {
  private draining = false;
  private scanner: ReturnType<Clock['setTimeout']> | null = null;
  private stopped = false;

  constructor(private readonly opts: ClusterPlacementOptions) {}

  get rooms(): ReadonlyMap<string, Room> {
    return this.opts.host.rooms;
  }

  mayRun(room: Room): boolean {
    return this.opts.host.mayRun(room);
  }

  start(): void {
    this.scheduleScan();
  }

  stop(): void {
    this.stopped = true;
    if (this.scanner) this.opts.clock.clearTimeout(this.scanner);
    this.scanner = null;
  }

  /** A deploy: this node takes no new worlds and sends players elsewhere. */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async quickJoin(): Promise<string> {
    const running = this.running();
    return quickJoinWorld(this.opts.configured, (name) => {
      const w = running.get(name);
      return !w || w.players < w.capacity;
    });
  }

  /**
   * Every world running in the cluster and its owner: the directory's view, with this node's own
   * worlds as they are now (the directory's entry for them is up to a heartbeat old).
   */
  running(): Map<string, RunningWorld> {
    const running = new Map<string, RunningWorld>();
    for (const w of this.opts.directory.runningWorlds()) running.set(w.name, { name: w.name, players: w.players, capacity: w.capacity, node: w.node });
    for (const r of this.rooms.values()) running.set(r.name, { name: r.name, players: r.playerCount, capacity: r.capacity, node: this.opts.nodeId });
    return running;
  }

  async locate(world: string): Promise<WorldLocation> {
    const deadline = this.opts.clock.now() + this.opts.leaseTtlMs + 1500;
    for (;;) {
      const here = this.rooms.get(world);
      if (here) return { kind: 'here', room: here };
      const { holder, leaseLeftMs, handoff } = await this.owner(world);
      if (holder === this.opts.nodeId) {
        // Our own claim is finishing (or the world is being handed over): wait for it.
      } else if (holder !== null) {
        const node = this.opts.directory.live(holder);
        // A holder renews every third of the lease: one that let it run below two thirds (less
        // a margin) has missed a renewal — it died or stalls — however fresh its heartbeat looks.
        const renewing = leaseLeftMs > (this.opts.leaseTtlMs * 2) / 3 - 500;
        if (node && !node.draining && renewing) return { kind: 'elsewhere', url: node.url };
        // A dead, stalled or draining holder: its lease runs out within a TTL, then the world is free.
      } else if (handoff === null && (await this.ownerAtWork(world))) {
        // No lease, but its owner is still writing it: Redis lost the lease (a restart, or this
        // node cannot see it) and the owner is claiming it back. Taking it would cut its players off.
      } else {
        // A draining node named who takes the world: everyone sends its players there.
        const named = handoff === null ? undefined : handoff === this.opts.nodeId ? this.self() : this.opts.directory.live(handoff);
        const target = named ?? this.placeFor();
        if (!target) return { kind: 'unavailable', message: 'No server can take this world right now; please try again shortly.' };
        if (target.id !== this.opts.nodeId) return { kind: 'elsewhere', url: target.url };
        const running = this.running();
        if (!this.opts.configured.some((w) => w.name === world) && !running.has(world) && running.size >= this.opts.maxWorlds) {
          return { kind: 'unavailable', message: `There are ${this.opts.maxWorlds} worlds already; pick one of them or try later.` };
        }
        const outcome = await this.opts.host.claim(world);
        if (outcome.kind === 'claimed') {
          const room = this.rooms.get(world);
          if (room) return { kind: 'here', room };
        }
      }
      if (this.opts.clock.now() >= deadline) return { kind: 'unavailable', message: 'This world is moving between servers; please try again in a moment.' };
      await new Promise<void>((resolve) => this.opts.clock.setTimeout(resolve, WAIT_STEP_MS));
    }
  }

  async sessionWorld(resumeToken: string): Promise<string | undefined> {
    return (await this.opts.sessions.find(hashSecretHex(resumeToken)))?.world;
  }

  async list(): Promise<WorldSummary[]> {
    const running = this.running();
    const summary = (w: RunningWorld): WorldSummary => ({ name: w.name, players: w.players, capacity: w.capacity });
    const out: WorldSummary[] = [];
    for (const w of this.opts.configured) {
      const r = running.get(w.name);
      out.push(r ? summary(r) : { name: w.name, players: 0, capacity: w.capacity });
      running.delete(w.name);
    }
    out.push(...[...running.values()].sort((a, b) => a.name.localeCompare(b.name)).map(summary));
    return out;
  }

  async nodeUrls(): Promise<string[]> {
    return this.opts.directory
      .liveNodes()
      .map((n) => n.url)
      .sort();
  }

  /** The public URL of the node that runs a world now, if it is known and alive. */
  async ownerUrl(world: string): Promise<string | null> {
    const holder = await this.owner(world).then((o) => o.holder, () => null);
    if (!holder || holder === this.opts.nodeId) return null;
    return this.opts.directory.live(holder)?.url ?? null;
  }

  /** The node a world with no owner goes to (null: no live node takes worlds). */
  placeFor(): NodeEntry | undefined {
    const candidates = this.opts.directory.liveNodes().filter((n) => !n.draining);
    const self = candidates.find((n) => n.id === this.opts.nodeId);
    if (candidates.length === 0) return undefined;
    const worldsOf = (n: NodeEntry) => (n.id === this.opts.nodeId ? this.opts.host.worlds.length : n.worlds);
    const least = [...candidates].sort((a, b) => worldsOf(a) - worldsOf(b) || a.players - b.players || a.id.localeCompare(b.id))[0]!;
    if (self && !this.draining && worldsOf(self) <= worldsOf(least) + 1) return self;
    return least;
  }

  /** The world's last checkpoint is younger than a lease and not a release: its owner is at work. */
  private async ownerAtWork(world: string): Promise<boolean> {
    const last = await this.opts.checkpoints.lastWrite(world);
    return last !== undefined && !last.released && this.opts.clock.wallMs() - last.atMs < this.opts.leaseTtlMs;
  }

  /**
   * Who holds the world's lease and for how much longer, and whom a draining node is handing it
   * to (one round trip).
   */
  private async owner(world: string): Promise<{ holder: string | null; leaseLeftMs: number; handoff: string | null }> {
    this.opts.countCommands(3);
    const lease = this.opts.keys.lease(world);
    const [holder, left, handoff] = (await this.opts.redis.multi().hGet(lease, 'node').pTTL(lease).get(this.opts.keys.handoff(world)).execAsPipeline()) as unknown as [string | null, number, string | null];
    return { holder: holder ?? null, leaseLeftMs: Number(left), handoff: handoff ?? null };
  }

  private self(): NodeEntry | undefined {
    return this.opts.directory.liveNodes().find((n) => n.id === this.opts.nodeId);
  }

  // ---- orphaned worlds -----------------------------------------------------------------------

  private scheduleScan(): void {
    if (this.stopped) return;
    this.scanner = this.opts.clock.setTimeout(() => {
      this.scanner = null;
      this.scan()
        .catch((err: unknown) => this.opts.logger.log('warn', 'orphan_scan_failed', { err: String(err) }))
        .finally(() => this.scheduleScan());
    }, 5000);
  }

  /**
   * Worlds whose owner stopped writing them a lease ago without letting them go, that still hold
   * bodies someone could resume, and that have no lease: claimed here if this is where such a
   * world goes, so its players come back to it even if none of them is knocking yet.
   */
  private async scan(): Promise<void> {
    if (this.draining) return;
    const now = this.opts.clock.wallMs();
    const candidates = (await this.opts.checkpoints.abandoned(now - this.opts.graceMs, now - this.opts.leaseTtlMs)).filter((w) => !this.rooms.has(w));
    if (candidates.length === 0) return;
    const multi = this.opts.redis.multi();
    for (const w of candidates) multi.exists(this.opts.keys.lease(w));
    this.opts.countCommands(candidates.length);
    const held = (await multi.execAsPipeline()) as unknown as number[];
    for (const world of candidates.filter((_, i) => held[i] === 0)) {
      if (this.placeFor()?.id !== this.opts.nodeId) continue;
      const outcome = await this.opts.host.claim(world).catch((err: unknown) => {
        this.opts.logger.log('warn', 'orphan_claim_failed', { world, err: String(err) });
        return null;
      });
      if (outcome?.kind === 'claimed') this.opts.logger.log('info', 'orphan_claimed', { world });
    }
  }
}
