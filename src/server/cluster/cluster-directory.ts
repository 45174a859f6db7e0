/**
 * What every node knows of the cluster: which nodes are alive (their public WebSocket URL, how
 * many worlds and players they hold, whether they are draining for a deploy) and which worlds
 * run, with their players and capacity. Each node writes its own entry and its worlds' entries
 * every `heartbeatMs`, and reads everyone's in the same round trip: four Redis commands per node
 * per heartbeat, nothing per player.
 *
 * Entries carry the wall-clock time they were written; one older than `staleMs` is a node (or a
 * world) that stopped: its process died, stalled, or lost Redis. Liveness here is only a hint
 * for routing and placement. Who may run a world is decided by its lease (world-leases.ts), never
 * by this directory.
 */
import type { Clock } from '../../shared/clock.js';
import { repeat, type Repeating } from '../../shared/repeat.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';

export interface NodeEntry {
  readonly id: string;
  /** The node's public WebSocket URL (from --public-url): where `moved` sends players. */
  readonly url: string;
  readonly worlds: number;
  readonly players: number;
  /** Handing its worlds over before it stops (a deploy): gets no new worlds. */
  readonly draining: boolean;
  readonly atMs: number;
}

export interface WorldEntry {
  readonly name: string;
  readonly players: number;
  readonly capacity: number;
  readonly node: string;
  readonly atMs: number;
}

/** What this node reports of itself at each heartbeat. */
export interface NodeReport {
  readonly players: number;
  readonly draining: boolean;
  readonly worlds: ReadonlyArray<{ readonly name: string; readonly players: number; readonly capacity: number }>;
}

export interface ClusterDirectoryOptions {
  readonly redis: RedisConnection;
  readonly keys: ClusterKeys;
  readonly nodeId: string;
  /** This node's public WebSocket URL. */
  readonly url: () => string;
  readonly clock: Clock;
  readonly heartbeatMs: number;
  /** An entry not rewritten for this long is a node or world that stopped. */
  readonly staleMs: number;
  readonly report: () => NodeReport;
  readonly onError: (err: unknown) => void;
}

/** Entries of nodes and worlds gone for this long are deleted by whoever reads them. */
const FORGET_AFTER_MS = 60_000;

export class ClusterDirectory {
  private nodes = new Map<string, NodeEntry>();
  private worldEntries = new Map<string, WorldEntry>();
  private timer: Repeating | null = null;
  private writtenWorlds = new Set<string>();
  private beating: Promise<void> | null = null;
  /** Redis commands sent, for the commands-per-player budget. */
  commandsSent = 0;

  constructor(private readonly opts: ClusterDirectoryOptions) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = repeat(this.opts.clock, this.opts.heartbeatMs, () => void this.beat());
  }

  /** Writes this node's entry and reads the cluster's now (also between heartbeats). */
  beat(): Promise<void> {
    this.beating ??= this.writeAndRead().finally(() => {
      this.beating = null;
    });
    return this.beating;
  }

  /** Nodes whose heartbeat is fresh. */
  liveNodes(): NodeEntry[] {
    const now = this.opts.clock.wallMs();
    return [...this.nodes.values()].filter((n) => now - n.atMs <= this.opts.staleMs);
  }

  live(nodeId: string): NodeEntry | undefined {
    const n = this.nodes.get(nodeId);
    return n && this.opts.clock.wallMs() - n.atMs <= this.opts.staleMs ? n : undefined;
  }

  /** Worlds running somewhere (their owner's entry is fresh). */
  runningWorlds(): WorldEntry[] {
    const now = this.opts.clock.wallMs();
    return [...this.worldEntries.values()].filter((w) => now - w.atMs <= this.opts.staleMs);
  }

  /** Removes this node's entries (a clean stop). */
  async stop(): Promise<void> {
    this.timer?.stop();
    this.timer = null;
    await this.beating?.catch(() => {});
    const { redis, keys, nodeId } = this.opts;
    try {
      this.commandsSent += this.writtenWorlds.size > 0 ? 2 : 1;
      await Promise.all([redis.hDel(keys.nodes(), nodeId), ...(this.writtenWorlds.size > 0 ? [redis.hDel(keys.worlds(), [...this.writtenWorlds])] : [])]);
    } catch (err) {
      this.opts.onError(err);
    }
  }

  private async writeAndRead(): Promise<void> {
    const { redis, keys, nodeId, url, clock } = this.opts;
    const report = this.opts.report();
    const atMs = clock.wallMs();
    const self: NodeEntry = { id: nodeId, url: url(), worlds: report.worlds.length, players: report.players, draining: report.draining, atMs };
    const worldFields: Record<string, string> = {};
    for (const w of report.worlds) worldFields[w.name] = JSON.stringify({ players: w.players, capacity: w.capacity, node: nodeId, atMs });
    // Worlds this node no longer runs: their entries go, so the list does not show them as ours.
    const dropped = [...this.writtenWorlds].filter((w) => !(w in worldFields));
    try {
      const multi = redis.multi().hSet(keys.nodes(), nodeId, JSON.stringify(self));
      if (report.worlds.length > 0) multi.hSet(keys.worlds(), worldFields);
      if (dropped.length > 0) multi.hDel(keys.worlds(), dropped);
      multi.hGetAll(keys.nodes()).hGetAll(keys.worlds());
      const replies = await multi.execAsPipeline();
      this.commandsSent += replies.length;
      this.writtenWorlds = new Set(Object.keys(worldFields));
      const nodesRaw = replies[replies.length - 2] as unknown as Record<string, string>;
      const worldsRaw = replies[replies.length - 1] as unknown as Record<string, string>;
      this.nodes = this.parseNodes(nodesRaw, atMs);
      this.worldEntries = this.parseWorlds(worldsRaw, atMs);
      this.nodes.set(nodeId, self);
    } catch (err) {
      this.opts.onError(err);
    }
  }

  private parseNodes(raw: Record<string, string>, now: number): Map<string, NodeEntry> {
    const out = new Map<string, NodeEntry>();
    const forget: string[] = [];
    for (const [id, json] of Object.entries(raw)) {
      const v = parse(json);
      if (!v || typeof v['url'] !== 'string' || typeof v['atMs'] !== 'number') continue;
      if (now - v['atMs'] > FORGET_AFTER_MS) {
        forget.push(id);
        continue;
      }
      out.set(id, { id, url: v['url'], worlds: num(v['worlds']), players: num(v['players']), draining: v['draining'] === true, atMs: v['atMs'] });
    }
    if (forget.length > 0) this.forget(this.opts.keys.nodes(), forget);
    return out;
  }

  private parseWorlds(raw: Record<string, string>, now: number): Map<string, WorldEntry> {
    const out = new Map<string, WorldEntry>();
    const forget: string[] = [];
    for (const [name, json] of Object.entries(raw)) {
      const v = parse(json);
      if (!v || typeof v['node'] !== 'string' || typeof v['atMs'] !== 'number') continue;
      if (now - v['atMs'] > FORGET_AFTER_MS) {
        forget.push(name);
        continue;
      }
      out.set(name, { name, players: num(v['players']), capacity: num(v['capacity']), node: v['node'], atMs: v['atMs'] });
    }
    if (forget.length > 0) this.forget(this.opts.keys.worlds(), forget);
    return out;
  }

  private forget(key: string, fields: string[]): void {
    this.commandsSent++;
    this.opts.redis.hDel(key, fields).catch((err: unknown) => this.opts.onError(err));
  }
}

/** JSON written by Tether nodes, read as plain data (never anything with behaviour). */
function parse(json: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
