/**
 * What every node knows of the cluster: which nodes are alive (their public WebSocket URL, how
 * many worlds and players they hold, whether they are draining for a deploy) and which worlds
 * run where, with their players and capacity. Each node writes its own entry (its worlds inside
 * it) every `heartbeatMs` and reads everyone's in the same round trip (directory-beat-1.lua): one
 * request and two commands in Redis per node per heartbeat, nothing per player.
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
import type { RedisScripts } from './redis-scripts.js';

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
  readonly scripts: RedisScripts;
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
  private beating: Promise<void> | null = null;
  /** Redis commands sent outside scripts (the scripts count their own), for the budget per player. */
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

  /** Removes this node's entry (a clean stop). */
  async stop(): Promise<void> {
    this.timer?.stop();
    this.timer = null;
    await this.beating?.catch(() => {});
    try {
      this.commandsSent++;
      await this.opts.redis.hDel(this.opts.keys.nodes(), this.opts.nodeId);
    } catch (err) {
      this.opts.onError(err);
    }
  }

  private async writeAndRead(): Promise<void> {
    const { scripts, keys, nodeId, url, clock } = this.opts;
    const report = this.opts.report();
    const atMs = clock.wallMs();
    const self: NodeEntry = { id: nodeId, url: url(), worlds: report.worlds.length, players: report.players, draining: report.draining, atMs };
    try {
      const flat = (await scripts.run('directory-beat', [keys.nodes()], [nodeId, JSON.stringify({ ...self, worldList: report.worlds })])) as string[];
      const raw: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i]!] = flat[i + 1]!;
      this.parse(raw, atMs);
    } catch (err) {
      this.opts.onError(err);
    }
  }

  /** Nodes and, inside their entries, the worlds they run. */
  private parse(raw: Record<string, string>, now: number): void {
    const nodes = new Map<string, NodeEntry>();
    const worlds = new Map<string, WorldEntry>();
    const forget: string[] = [];
    for (const [id, json] of Object.entries(raw)) {
      const v = parse(json);
      if (!v || typeof v['url'] !== 'string' || typeof v['atMs'] !== 'number') continue;
      if (now - v['atMs'] > FORGET_AFTER_MS) {
        forget.push(id);
        continue;
      }
      const atMs = v['atMs'];
      nodes.set(id, { id, url: v['url'], worlds: num(v['worlds']), players: num(v['players']), draining: v['draining'] === true, atMs });
      const list = Array.isArray(v['worldList']) ? (v['worldList'] as unknown[]) : [];
      for (const w of list) {
        if (typeof w !== 'object' || w === null) continue;
        const e = w as Record<string, unknown>;
        if (typeof e['name'] !== 'string') continue;
        // A world listed by two nodes (one just took it over): the fresher entry wins.
        const seen = worlds.get(e['name']);
        if (seen && seen.atMs >= atMs) continue;
        worlds.set(e['name'], { name: e['name'], players: num(e['players']), capacity: num(e['capacity']), node: id, atMs });
      }
    }
    if (forget.length > 0) {
      this.commandsSent++;
      this.opts.redis.hDel(this.opts.keys.nodes(), forget).catch((err: unknown) => this.opts.onError(err));
    }
    this.nodes = nodes;
    this.worldEntries = worlds;
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
