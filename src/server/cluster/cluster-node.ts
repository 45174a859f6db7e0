/**
 * A cluster node's parts, assembled (the composition root calls this when --redis is set):
 * Redis connections, the directory of nodes and worlds, the world host (leases, checkpoints,
 * rooms on Redis sessions and chat) and the placement the lobby asks. Also what the operator
 * sees of the cluster (/status, /metrics) and the two ways a node stops: a drain that hands
 * every world to another node (SIGTERM in a deploy), and a plain stop when no other node is left.
 */
import type pg from 'pg';
import type { Clock } from '../../shared/clock.js';
import type { WorldSpec } from '../game/local-placement.js';
import type { Room, RoomSeams } from '../game/room.js';
import type { Logger } from '../logger.js';
import { ChatHistory } from './chat-history.js';
import { ClusterDirectory, type NodeEntry } from './cluster-directory.js';
import { ClusterKeys } from './cluster-keys.js';
import { ClusterOrigins } from './cluster-origins.js';
import { ClusterPlacement, type RunningWorld } from './cluster-placement.js';
import { newRedisClient, type RedisConnection } from './redis-connection.js';
import { RedisScripts } from './redis-scripts.js';
import { SessionStore } from './session-store.js';
import { WorldChatStream } from './world-chat-stream.js';
import { WorldCheckpoints } from './world-checkpoints.js';
import { WorldHost } from './world-host.js';
import { WorldLeases } from './world-leases.js';

export interface ClusterNodeOptions {
  readonly redisUrl: string;
  readonly pool: pg.Pool;
  readonly nodeId: string;
  /** This node's public WebSocket URL (known once the HTTP server listens). */
  readonly socketUrl: () => string;
  readonly keyPrefix?: string;
  readonly leaseMs: number;
  readonly graceMs: number;
  readonly chatHistoryLimit: number;
  readonly configured: ReadonlyArray<{ readonly name: string; readonly capacity: number }>;
  readonly capacity: number;
  readonly maxWorlds: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly makeRoom: (spec: WorldSpec, seams: RoomSeams) => Room;
}

export interface ClusterStatus {
  readonly node: string;
  readonly draining: boolean;
  /** The nodes whose heartbeat is fresh. */
  readonly nodes: readonly NodeEntry[];
  readonly worlds: readonly RunningWorld[];
}

/** Cluster figures for /metrics. */
export interface ClusterFigures {
  worldsOwned(): number;
  leaseRenewals(): number;
  leaseRenewalFailures(): number;
  fencedWritesRefused(): number;
  worldsClaimed(): number;
  worldsHandedOff(): number;
  worldsLost(): number;
  redisCommands(): number;
}

export class ClusterNode implements ClusterFigures {
  private extraCommands = 0;
  private readonly origins: ClusterOrigins;

  private constructor(
    readonly placement: ClusterPlacement,
    readonly host: WorldHost,
    readonly directory: ClusterDirectory,
    private readonly scripts: RedisScripts,
    private readonly redis: RedisConnection,
    private readonly opts: ClusterNodeOptions,
  ) {
    this.origins = new ClusterOrigins(opts.pool, opts.clock);
  }

  /** Connects to Redis and builds the parts; `begin` starts them once the node listens. */
  static async create(opts: ClusterNodeOptions): Promise<ClusterNode> {
    const { clock, logger } = opts;
    let redisDown = false;
    const redis = newRedisClient(opts.redisUrl, (err) => {
      // node-redis reports each failed reconnect; once per outage is enough for the operator.
      if (!redisDown) logger.log('warn', 'redis_unreachable', { err: err.message });
      redisDown = true;
    });
    redis.on('ready', () => {
      if (redisDown) logger.log('info', 'redis_reachable', {});
      redisDown = false;
    });
    await redis.connect();
    const keys = new ClusterKeys(opts.keyPrefix);
    const scripts = new RedisScripts(redis);
    // A session outlives its grace period by two leases and a margin: long enough for the
    // world's next owner to find it after this node died.
    const sessionTtlMs = opts.graceMs + 2 * opts.leaseMs + 5000;
    const sessions = new SessionStore({ redis, scripts, keys, ttlMs: sessionTtlMs });
    const stream = new WorldChatStream({ redis, scripts, keys, keepLines: opts.chatHistoryLimit, keepClientIds: 20_000 });
    const leases = new WorldLeases({ scripts, pool: opts.pool, keys, nodeId: opts.nodeId, ttlMs: opts.leaseMs, clock });
    let node: ClusterNode | null = null;
    const count = (n: number) => {
      if (node) node.extraCommands += n;
    };
    const capacityOf = (world: string) => opts.configured.find((w) => w.name === world)?.capacity ?? opts.capacity;
    let placement: ClusterPlacement | null = null;
    const checkpoints = new WorldCheckpoints(opts.pool);
    const host: WorldHost = new WorldHost({
      nodeId: opts.nodeId,
      leases,
      leaseTtlMs: opts.leaseMs,
      checkpoints,
      history: new ChatHistory(opts.pool),
      stream,
      sessions,
      redis,
      keys,
      clock,
      logger,
      graceMs: opts.graceMs,
      sessionTtlMs,
      chatMemoryLimit: opts.chatHistoryLimit,
      checkpointEveryMs: 500,
      emptyReleaseMs: 30_000,
      capacityOf,
      makeRoom: opts.makeRoom,
      ownerUrl: (world) => placement?.ownerUrl(world) ?? Promise.resolve(null),
      nodeUrls: (): string[] => directory.liveNodes().map((n: NodeEntry) => n.url).sort(),
      countCommands: count,
    });
    const directory: ClusterDirectory = new ClusterDirectory({
      redis,
      scripts,
      keys,
      nodeId: opts.nodeId,
      url: opts.socketUrl,
      clock,
      heartbeatMs: 1000,
      staleMs: 4000,
      report: () => ({
        players: [...host.rooms.values()].reduce((n, r) => n + r.playerCount, 0),
        draining: placement?.isDraining ?? false,
        worlds: [...host.rooms.values()].map((r) => ({ name: r.name, players: r.playerCount, capacity: r.capacity })),
      }),
      onError: (err) => logger.log('debug', 'directory_failed', { err: String(err) }),
    });
    placement = new ClusterPlacement({
      nodeId: opts.nodeId,
      host,
      directory,
      sessions,
      redis,
      keys,
      checkpoints,
      clock,
      logger,
      configured: opts.configured,
      capacity: opts.capacity,
      maxWorlds: opts.maxWorlds,
      leaseTtlMs: opts.leaseMs,
      graceMs: opts.graceMs,
      countCommands: count,
    });
    node = new ClusterNode(placement, host, directory, scripts, redis, opts);
    return node;
  }

  /** The node is reachable: it joins the directory, keeps its worlds and scans for orphans. */
  async begin(): Promise<void> {
    await this.origins.register(originOfSocketUrl(this.opts.socketUrl()), this.opts.nodeId);
    await this.directory.start();
    this.host.start();
    this.placement.start();
    this.opts.logger.log('info', 'cluster_node_started', { node: this.opts.nodeId, url: this.opts.socketUrl(), nodes: this.directory.liveNodes().map((n) => n.id) });
  }

  /**
   * Whether a page from `origin` may open its socket here: the page of a node of this cluster,
   * now or before (its node may have died since the page loaded).
   */
  knowsOrigin(origin: string): boolean {
    this.origins.refreshIfOld();
    return this.origins.allows(origin) || this.directory.liveNodes().some((n) => originOfSocketUrl(n.url) === origin);
  }

  /**
   * A deploy stops this node: it takes no new worlds, and each of its worlds goes to the least
   * loaded other node (players sent there with `moved`), all at once. False when no other node
   * is alive to take them (then the caller stops the usual way).
   */
  async drain(): Promise<boolean> {
    this.placement.drain();
    await this.directory.beat();
    const others = () => this.directory.liveNodes().filter((n) => n.id !== this.opts.nodeId && !n.draining);
    if (others().length === 0) return false;
    const load = new Map(others().map((n) => [n.id, n.worlds]));
    const moves = this.host.worlds.map((world) => {
      const target = others().sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) || a.id.localeCompare(b.id))[0];
      if (!target) return Promise.resolve();
      load.set(target.id, (load.get(target.id) ?? 0) + 1);
      return this.host.handOff(world, target);
    });
    await Promise.all(moves);
    this.opts.logger.log('info', 'drained', { node: this.opts.nodeId, worlds: moves.length });
    return true;
  }

  /** Stops the node's cluster parts (after a drain, or after the usual shutdown of its rooms). */
  async close(retryAfterMs: number): Promise<void> {
    this.placement.stop();
    await this.host.stop(retryAfterMs);
    await this.directory.stop();
    if (this.redis.isOpen) await this.redis.quit().catch(() => this.redis.destroy());
  }

  status(): ClusterStatus {
    const worlds = [...this.placement.running().values()].sort((a, b) => a.name.localeCompare(b.name));
    return { node: this.opts.nodeId, draining: this.placement.isDraining, nodes: this.directory.liveNodes(), worlds };
  }

  worldsOwned(): number {
    return this.host.worlds.length;
  }

  leaseRenewals(): number {
    return this.host.keeper.renewals;
  }

  leaseRenewalFailures(): number {
    return this.host.keeper.renewalFailures;
  }

  fencedWritesRefused(): number {
    return this.host.counters.fencedWritesRefused;
  }

  worldsClaimed(): number {
    return this.host.counters.claimed;
  }

  worldsHandedOff(): number {
    return this.host.counters.handedOff;
  }

  worldsLost(): number {
    return this.host.counters.lost;
  }

  redisCommands(): number {
    return this.scripts.commandsSent + this.directory.commandsSent + this.extraCommands;
  }
}

/** ws://host:port/ws -> http://host:port (the origin of that node's page). */
export function originOfSocketUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
  } catch {
    return '';
  }
}

/** A node's public page URL (http[s]://host[:port][/...]) -> its WebSocket URL. */
export function socketUrlOf(publicUrl: string): string {
  const u = new URL(publicUrl);
  const scheme = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${u.host}/ws`;
}
