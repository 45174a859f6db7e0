/**
 * The game's SessionRegistry for one world of a cluster node, kept in Redis (session-store.ts)
 * so that a player resumes on whichever node runs the world next — also after this node died.
 * The owner keeps, per player of the world, the hash of its current resume token and what the
 * session says; every write is fenced by the world's lease. Grace periods are timed here; the
 * record's time to live in Redis (grace plus a margin) ends abandoned sessions on its own, and
 * is refreshed for connected players in one pipelined batch twice within that time (about 0.06
 * Redis commands per player per second).
 *
 * A write refused by the fence means another node owns the world now: `onFenced` stops the world
 * here. A write that finds no lease at all (Redis restarted) fails this one operation; the owner
 * claims the world again and re-writes the sessions of its connected players (`rewriteAll`).
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { Logger } from '../logger.js';
import { hashSecretHex, newSecret } from '../sessions/secrets.js';
import type { Claim, SessionPlayer, SessionRegistry } from '../sessions/session-registry.js';
import { FencedWriteError } from './fence.js';
import type { RedisConnection } from './redis-connection.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { SessionRecord, SessionStore } from './session-store.js';
import type { WorldFence } from './world-fence.js';

interface Held {
  tokenHash: string;
  record: SessionRecord;
  grace: TimerHandle | null;
}

export interface ClusterSessionRegistryOptions {
  readonly store: SessionStore;
  readonly redis: RedisConnection;
  readonly keys: ClusterKeys;
  readonly fence: WorldFence;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The record's time to live in Redis: the grace period plus a margin. */
  readonly ttlMs: number;
  /** A write was refused because another node owns the world. */
  readonly onFenced: (err: FencedWriteError) => void;
  /** Counts Redis commands sent outside the session store's scripts. */
  readonly countCommands?: (n: number) => void;
}

export class ClusterSessionRegistry implements SessionRegistry {
  private readonly byPlayer = new Map<number, Held>();
  /** Grace timers of players whose session this node has not seen (a restored world). */
  private readonly blindGrace = new Map<number, TimerHandle>();
  private refresher: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly opts: ClusterSessionRegistryOptions) {
    this.scheduleRefresh();
  }

  async open(player: SessionPlayer): Promise<string> {
    const old = this.byPlayer.get(player.id);
    const token = newSecret();
    const record: SessionRecord = { playerId: player.id, world: this.opts.fence.world, name: player.name, character: player.character, chatAck: 0, awaySinceMs: 0 };
    const tokenHash = hashSecretHex(token);
    await this.guard(this.opts.store.put(this.opts.fence.now(), tokenHash, record));
    if (old) {
      this.stopGrace(old);
      this.endQuietly(old.tokenHash);
    }
    this.stopBlindGrace(player.id);
    this.byPlayer.set(player.id, { tokenHash, record, grace: null });
    return token;
  }

  async claim(token: string): Promise<Claim | undefined> {
    const next = newSecret();
    const nextHash = hashSecretHex(next);
    const result = await this.guard(this.opts.store.resume(this.opts.fence.now(), hashSecretHex(token), nextHash));
    if (result.kind !== 'resumed') return undefined;
    const record = result.session;
    const held = this.byPlayer.get(record.playerId);
    if (held) this.stopGrace(held);
    this.stopBlindGrace(record.playerId);
    const awayMs = record.awaySinceMs > 0 ? Math.max(0, this.opts.clock.wallMs() - record.awaySinceMs) : 0;
    const live: SessionRecord = { ...record, awaySinceMs: 0 };
    this.byPlayer.set(record.playerId, { tokenHash: nextHash, record: live, grace: null });
    if (record.awaySinceMs > 0) void this.update(nextHash, live);
    return { playerId: record.playerId, token: next, awayMs, profile: { name: record.name, character: record.character } };
  }

  async rotate(playerId: number): Promise<string | undefined> {
    const held = this.byPlayer.get(playerId);
    if (!held) return undefined;
    const token = newSecret();
    const tokenHash = hashSecretHex(token);
    await this.guard(this.opts.store.put(this.opts.fence.now(), tokenHash, held.record));
    this.endQuietly(held.tokenHash);
    this.stopGrace(held);
    held.tokenHash = tokenHash;
    return token;
  }

  hold(playerId: number, graceMs: number, onExpired: () => void): void {
    const held = this.byPlayer.get(playerId);
    const expire = () => {
      this.close(playerId);
      onExpired();
    };
    if (!held) {
      // A body restored from a checkpoint: its session lives in Redis under a hash this node
      // learns only when the player resumes. Until then only the grace period is timed here.
      this.stopBlindGrace(playerId);
      this.blindGrace.set(playerId, this.opts.clock.setTimeout(() => {
        this.blindGrace.delete(playerId);
        onExpired();
      }, graceMs));
      return;
    }
    this.stopGrace(held);
    held.record = { ...held.record, awaySinceMs: this.opts.clock.wallMs() };
    held.grace = this.opts.clock.setTimeout(expire, graceMs);
    // So that a node that restores the world knows how long the player has been away. Only an
    // update: a resume may be spending this very token right now (docs in session-update-2.lua).
    void this.update(held.tokenHash, held.record);
  }

  close(playerId: number): void {
    this.stopBlindGrace(playerId);
    const held = this.byPlayer.get(playerId);
    if (!held) return;
    this.stopGrace(held);
    this.byPlayer.delete(playerId);
    this.endQuietly(held.tokenHash);
  }

  shutdown(): void {
    this.stopped = true;
    if (this.refresher) this.opts.clock.clearTimeout(this.refresher);
    this.refresher = null;
    for (const held of this.byPlayer.values()) this.stopGrace(held);
    for (const t of this.blindGrace.values()) this.opts.clock.clearTimeout(t);
    this.blindGrace.clear();
  }

  /**
   * After the world was claimed again (Redis lost everything): every session this node holds
   * is written anew, so players resume as before instead of coming back by their account token.
   */
  async rewriteAll(): Promise<number> {
    let n = 0;
    for (const held of this.byPlayer.values()) if (await this.write(held.tokenHash, held.record)) n++;
    return n;
  }

  get size(): number {
    return this.byPlayer.size;
  }

  private async write(tokenHash: string, record: SessionRecord): Promise<boolean> {
    try {
      await this.guard(this.opts.store.put(this.opts.fence.now(), tokenHash, record));
      return true;
    } catch (err) {
      if (!(err instanceof FencedWriteError)) this.opts.logger.log('warn', 'session_write_failed', { world: record.world, player: record.playerId, err: String(err) });
      return false;
    }
  }

  private async update(tokenHash: string, record: SessionRecord): Promise<void> {
    try {
      await this.guard(this.opts.store.update(this.opts.fence.now(), tokenHash, record));
    } catch (err) {
      if (!(err instanceof FencedWriteError)) this.opts.logger.log('warn', 'session_write_failed', { world: record.world, player: record.playerId, err: String(err) });
    }
  }

  private endQuietly(tokenHash: string): void {
    this.guard(this.opts.store.end(this.opts.fence.now(), tokenHash)).catch((err: unknown) => {
      // The record's time to live ends it anyway.
      if (!(err instanceof FencedWriteError)) this.opts.logger.log('debug', 'session_end_failed', { world: this.opts.fence.world, err: String(err) });
    });
  }

  /** A fenced refusal stops the world (once the caller has its error too). */
  private async guard<T>(op: Promise<T>): Promise<T> {
    try {
      return await op;
    } catch (err) {
      if (err instanceof FencedWriteError) this.opts.onFenced(err);
      throw err;
    }
  }

  /** Connected players' records get their time to live back, in one pipelined batch. */
  private scheduleRefresh(): void {
    if (this.stopped) return;
    // Twice within the time to live (less a margin for a slow Redis): one refresh may fail.
    const every = Math.max(1000, Math.floor((this.opts.ttlMs - 5000) / 2));
    this.refresher = this.opts.clock.setTimeout(() => {
      this.refresher = null;
      void this.refresh().finally(() => this.scheduleRefresh());
    }, every);
  }

  private async refresh(): Promise<void> {
    const live = [...this.byPlayer.values()].filter((h) => h.grace === null);
    if (live.length === 0) return;
    try {
      const multi = this.opts.redis.multi();
      for (const h of live) multi.pExpire(this.opts.keys.session(h.tokenHash), this.opts.ttlMs);
      this.opts.countCommands?.(live.length);
      await multi.execAsPipeline();
    } catch (err) {
      this.opts.logger.log('warn', 'session_refresh_failed', { world: this.opts.fence.world, err: String(err) });
    }
  }

  private stopGrace(held: Held): void {
    if (held.grace) this.opts.clock.clearTimeout(held.grace);
    held.grace = null;
  }

  private stopBlindGrace(playerId: number): void {
    const t = this.blindGrace.get(playerId);
    if (t) this.opts.clock.clearTimeout(t);
    this.blindGrace.delete(playerId);
  }
}
