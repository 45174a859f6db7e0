/**
 * The worlds this node owns: claiming one (lease with a fencing epoch, then the room built on
 * Redis sessions and chat, restored from the last checkpoint), keeping it (lease renewals,
 * checkpoints at least twice a second), handing it over (a deploy), and letting it go at once
 * when the lease or a fenced write says another node owns it now.
 *
 * One owner at a time, also when this node stalls: a world ticks only while its lease is valid by
 * this node's own clock, or — when Redis cannot confirm it (`unsure`) — while a fenced checkpoint
 * in PostgreSQL passed within the last PROOF_MS (no other node can have claimed it before that
 * write, because a claim bumps the epoch the write is checked against). A node that wakes from a
 * stall past its lease therefore never ticks the world again: its lease is no longer valid, its
 * proof checkpoint is refused, and the world stops here.
 *
 * After Redis restarted empty the lease is gone ('expired'): the owner claims the world again
 * with a continuing claim (granted only if nobody owned it in between), re-writes its players'
 * sessions and puts the chat back from PostgreSQL; the players notice nothing.
 */
import type { Clock } from '../../shared/clock.js';
import { repeat, type Repeating } from '../../shared/repeat.js';
import type { RoomSeams } from '../game/room.js';
import type { Room } from '../game/room.js';
import type { WorldSpec } from '../game/local-placement.js';
import type { Logger } from '../logger.js';
import type { ChatHistory } from './chat-history.js';
import { ClusterChatLog } from './cluster-chat-log.js';
import type { ClusterKeys } from './cluster-keys.js';
import { ClusterSessionRegistry } from './cluster-session-registry.js';
import { FencedWriteError } from './fence.js';
import { LeaseKeeper, type LeaseState } from './lease-keeper.js';
import type { RedisConnection } from './redis-connection.js';
import type { SessionStore } from './session-store.js';
import type { WorldChatStream } from './world-chat-stream.js';
import { checkpointJson, type WorldCheckpoints } from './world-checkpoints.js';
import { WorldFence } from './world-fence.js';
import type { WorldLease, WorldLeases } from './world-leases.js';

/** How long a passed fenced checkpoint lets an `unsure` world tick on. */
const PROOF_MS = 250;

export type ClaimOutcome =
  | { readonly kind: 'claimed' }
  /** Another node holds the lease. */
  | { readonly kind: 'held'; readonly node: string }
  /** Another node's claim of the same world is in progress; try again shortly. */
  | { readonly kind: 'busy' };

export interface WorldHostCounters {
  claimed: number;
  handedOff: number;
  lost: number;
  fencedWritesRefused: number;
  checkpoints: number;
  checkpointFailures: number;
}

export interface WorldHostOptions {
  readonly nodeId: string;
  readonly leases: WorldLeases;
  readonly leaseTtlMs: number;
  readonly checkpoints: WorldCheckpoints;
  readonly history: ChatHistory;
  readonly stream: WorldChatStream;
  readonly sessions: SessionStore;
  readonly redis: RedisConnection;
  readonly keys: ClusterKeys;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly graceMs: number;
  /** Session records live this long in Redis without a refresh. */
  readonly sessionTtlMs: number;
  readonly chatMemoryLimit: number;
  readonly checkpointEveryMs: number;
  /** A world without a body for this long is let go (its lease released; any node claims it again on demand). */
  readonly emptyReleaseMs: number;
  readonly capacityOf: (world: string) => number;
  /** Builds (does not load) a room for a world with the cluster's seams. */
  readonly makeRoom: (spec: WorldSpec, seams: RoomSeams) => Room;
  /** The cluster's nodes' URLs, for each welcome. */
  readonly nodeUrls: () => readonly string[];
  /** Where the world runs now, when this node lost it (to send its players there), or null. */
  readonly ownerUrl: (world: string) => Promise<string | null>;
  readonly countCommands: (n: number) => void;
}

/** A world whose checkpoint is due this round, with its bodies serialised. */
interface Due {
  readonly world: string;
  readonly h: Hosted;
  readonly bodies: number;
  readonly json: string;
}

interface Hosted {
  readonly room: Room;
  readonly fence: WorldFence;
  readonly sessions: ClusterSessionRegistry;
  readonly chat: ClusterChatLog;
  unsure: boolean;
  /** Local time until which a passed fenced checkpoint lets the world tick while unsure. */
  provenUntil: number;
  lastCheckpointAt: number;
  /** Bodies in the last checkpoint: a join or a leave is written within a housekeeping round. */
  lastCheckpointBodies: number;
  /** The bodies of the last checkpoint, as written. */
  lastCheckpointJson: string;
  checkpointing: Promise<void> | null;
  emptySince: number | null;
  leaving: boolean;
  /** Wall-clock time of the last tick this node let the world take (logged when it stops here). */
  lastTickAtMs: number;
}

export class WorldHost {
  /** The worlds that tick on this node. */
  readonly rooms = new Map<string, Room>();
  readonly counters: WorldHostCounters = { claimed: 0, handedOff: 0, lost: 0, fencedWritesRefused: 0, checkpoints: 0, checkpointFailures: 0 };
  private readonly hosted = new Map<string, Hosted>();
  private readonly claiming = new Map<string, Promise<ClaimOutcome>>();
  readonly keeper: LeaseKeeper;
  private loop: Repeating | null = null;

  constructor(private readonly opts: WorldHostOptions) {
    this.keeper = new LeaseKeeper(opts.leases, opts.clock, Math.floor(opts.leaseTtlMs / 3), (lease, state) => this.onLease(lease, state));
  }

  start(): void {
    this.loop = repeat(this.opts.clock, Math.min(100, Math.floor(this.opts.checkpointEveryMs / 5)), () => this.housekeeping());
  }

  /** Claims a world for this node; concurrent claims of one world share one attempt. */
  claim(world: string): Promise<ClaimOutcome> {
    if (this.hosted.has(world)) return Promise.resolve({ kind: 'claimed' });
    let pending = this.claiming.get(world);
    if (!pending) {
      pending = this.doClaim(world).finally(() => this.claiming.delete(world));
      this.claiming.set(world, pending);
    }
    return pending;
  }

  /** Whether the world may tick now (its lease valid, or ownership proven in PostgreSQL just now). */
  mayRun(room: Room): boolean {
    const h = this.hosted.get(room.name);
    if (!h || h.leaving) return false;
    const now = this.opts.clock.now();
    if (now < h.fence.lease.validUntilMs || now < h.provenUntil) {
      h.lastTickAtMs = this.opts.clock.wallMs();
      return true;
    }
    // Not sure any more: stand still until a fenced checkpoint proves the world is still ours.
    this.checkpoint(room.name, h);
    return false;
  }

  /**
   * Hands a world over (a deploy): it stops ticking here, its last state goes to PostgreSQL, the
   * target is named in Redis (so every node sends the world's players there), the lease is
   * released, and the players are sent to the target, which claims the world as they arrive.
   */
  async handOff(world: string, target: { readonly id: string; readonly url: string }): Promise<void> {
    const h = this.hosted.get(world);
    if (!h || h.leaving) return;
    const started = this.opts.clock.now();
    // Named before the lease goes, so no node claims the world for itself in between.
    const named = async () => {
      this.opts.countCommands(1);
      await this.opts.redis.set(this.opts.keys.handoff(world), target.id, { PX: 10_000 }).catch(() => {});
    };
    if ((await this.letGo(world, h, named)) === 'fenced') return this.lose(world, 'fenced while handing over');
    h.room.stopHere({ world, url: target.url }, 0);
    this.counters.handedOff++;
    this.opts.logger.log('info', 'world_handed_off', { world, epoch: h.fence.epoch, to: target.url, players: h.room.playerCount, ms: Math.round(this.opts.clock.now() - started), lastTickAtMs: h.lastTickAtMs });
  }

  /** Every world this node owns. */
  get worlds(): string[] {
    return [...this.hosted.keys()];
  }

  /** The fencing epoch this node holds for a world (for logs and tests). */
  epochOf(world: string): number | undefined {
    return this.hosted.get(world)?.fence.epoch;
  }

  /** Stops everything without handing over (the last node of a cluster stopping). */
  async stop(retryAfterMs: number): Promise<void> {
    this.loop?.stop();
    this.loop = null;
    for (const [world, h] of [...this.hosted]) {
      if (h.leaving) continue;
      await this.letGo(world, h);
      h.room.shutdown(retryAfterMs);
      this.opts.logger.log('info', 'world_stopped', { world, epoch: h.fence.epoch, lastTickAtMs: h.lastTickAtMs });
    }
    this.keeper.stop();
  }

  // ---- claiming ------------------------------------------------------------------------------

  private async doClaim(world: string): Promise<ClaimOutcome> {
    const result = await this.opts.leases.claim(world);
    if (!result.claimed) {
      if (result.reason === 'held') return { kind: 'held', node: result.holder.node };
      return { kind: 'busy' };
    }
    const lease = result.lease;
    const claimedAtMs = this.opts.clock.wallMs();
    try {
      await this.open(world, lease, claimedAtMs);
      return { kind: 'claimed' };
    } catch (err) {
      // Nothing may run on an epoch whose world did not open: give the lease back.
      await this.opts.leases.release(lease).catch(() => {});
      throw err;
    }
  }

  private async open(world: string, lease: WorldLease, claimedAtMs: number): Promise<void> {
    const { clock, logger } = this.opts;
    const fence = new WorldFence(lease);
    const onFenced = (err: FencedWriteError) => this.fenced(world, err);
    const sessions = new ClusterSessionRegistry({
      store: this.opts.sessions,
      redis: this.opts.redis,
      keys: this.opts.keys,
      fence,
      clock,
      logger,
      ttlMs: this.opts.sessionTtlMs,
      onFenced,
      countCommands: this.opts.countCommands,
    });
    const chat = new ClusterChatLog({ stream: this.opts.stream, history: this.opts.history, fence, clock, logger, memoryLimit: this.opts.chatMemoryLimit, onFenced });
    const room = this.opts.makeRoom({ name: world, capacity: this.opts.capacityOf(world) }, { sessions, chatLog: chat, clusterNodes: this.opts.nodeUrls });
    try {
      // The chat window and the previous owner's last checkpoint, read side by side: the world's
      // players wait for this (a hand-over's freeze). From the checkpoint they come back as they
      // were (at most one checkpoint old); one older than the grace period holds nobody who
      // could still resume.
      const [cp] = await Promise.all([this.opts.checkpoints.read(world), room.load()]);
      const restored = cp && clock.wallMs() - cp.atMs < this.opts.graceMs ? cp.bodies : [];
      room.restore(restored);
      const h: Hosted = { room, fence, sessions, chat, unsure: false, provenUntil: 0, lastCheckpointAt: -Infinity, lastCheckpointBodies: 0, lastCheckpointJson: '', checkpointing: null, emptySince: null, leaving: false, lastTickAtMs: 0 };
      this.hosted.set(world, h);
      this.rooms.set(world, room);
      this.keeper.keep(lease);
      // Its first checkpoint, under the new epoch, is not waited for: the lease is sure already.
      this.checkpoint(world, h);
      this.counters.claimed++;
      this.opts.countCommands(1);
      void this.opts.redis.del(this.opts.keys.handoff(world)).catch(() => {});
      logger.log('info', 'world_claimed', { world, epoch: lease.epoch, node: this.opts.nodeId, restored: restored.length, fromEpoch: cp?.epoch ?? null, atMs: claimedAtMs });
    } catch (err) {
      sessions.shutdown();
      chat.close();
      throw err;
    }
  }

  // ---- keeping -------------------------------------------------------------------------------

  private onLease(lease: WorldLease, state: LeaseState): void {
    const h = this.hosted.get(lease.world);
    if (!h || h.fence.lease !== lease) return;
    switch (state) {
      case 'unsure':
        h.unsure = true;
        this.opts.logger.log('warn', 'lease_unsure', { world: lease.world, epoch: lease.epoch });
        this.checkpoint(lease.world, h);
        return;
      case 'held':
        h.unsure = false;
        this.opts.logger.log('info', 'lease_sure_again', { world: lease.world, epoch: lease.epoch });
        return;
      case 'taken':
        return this.lose(lease.world, 'lease taken by another node');
      case 'expired':
        void this.reclaim(lease.world, h);
        return;
    }
  }

  /** The lease vanished (Redis restarted empty, or this node stalled past it): claim it back if nobody owned the world since. */
  private async reclaim(world: string, h: Hosted): Promise<void> {
    try {
      const again = await this.opts.leases.claim(world, h.fence.epoch);
      if (!again.claimed) return this.lose(world, again.reason === 'superseded' ? 'another node owned the world since' : `continuing claim refused (${again.reason})`);
      if (this.hosted.get(world) !== h) {
        await this.opts.leases.release(again.lease).catch(() => {});
        return;
      }
      h.fence.lease = again.lease;
      h.unsure = false;
      this.keeper.keep(again.lease);
      const sessions = await h.sessions.rewriteAll();
      await h.chat.resume();
      this.opts.logger.log('info', 'world_reclaimed', { world, epoch: again.lease.epoch, sessions });
    } catch (err) {
      this.opts.logger.log('warn', 'reclaim_failed', { world, err: String(err) });
      // Try again while the world can still prove it is ours; past that, give it up.
      this.opts.clock.setTimeout(() => {
        if (this.hosted.get(world) === h) void this.reclaim(world, h);
      }, 250);
    }
  }

  private housekeeping(): void {
    const now = this.opts.clock.now();
    const due: Due[] = [];
    for (const [world, h] of this.hosted) {
      if (h.leaving) continue;
      const unsure = h.unsure || now >= h.fence.lease.validUntilMs;
      const since = now - h.lastCheckpointAt;
      const joinedOrLeft = h.room.playerCount !== h.lastCheckpointBodies;
      // A world where nothing moved is written once a second only: that still shows its owner at
      // work (cluster-placement.ts), at half the writes.
      if (!h.checkpointing && (joinedOrLeft || since >= (unsure ? PROOF_MS : this.opts.checkpointEveryMs))) {
        // Chat lines waiting for the durable copy ride along (every world is written at least
        // once a second, so the copy lags Redis by a second at most).
        const bodies = h.room.checkpoint();
        const json = checkpointJson(bodies);
        if (unsure || joinedOrLeft || since >= 2 * this.opts.checkpointEveryMs || json !== h.lastCheckpointJson) due.push({ world, h, bodies: bodies.length, json });
      }
      if (h.room.playerCount > 0) h.emptySince = null;
      else if (h.emptySince === null) h.emptySince = now;
      else if (now - h.emptySince >= this.opts.emptyReleaseMs) void this.release(world, h);
    }
    if (due.length > 0) this.checkpointMany(due);
  }

  /** The due worlds' checkpoints in one statement (one PostgreSQL round trip per round, not per world). */
  private checkpointMany(due: Due[]): void {
    const sentAt = this.opts.clock.now();
    const atMs = this.opts.clock.wallMs();
    const writes = due.map(({ h, bodies, json }) => ({ h, bodies, write: { fence: h.fence.now(), tick: h.room.world.tick, atMs, json, chat: h.chat.takeUnwritten() } }));
    const done = this.opts.checkpoints.writeMany(writes.map((w) => w.write)).then(
      (refused) => {
        for (const { h, bodies, write } of writes) {
          if (refused.has(write.fence.world)) {
            this.fenced(write.fence.world, new FencedWriteError('checkpoint', write.fence));
            continue;
          }
          h.lastCheckpointAt = sentAt;
          h.provenUntil = sentAt + PROOF_MS;
          h.lastCheckpointBodies = bodies;
          h.lastCheckpointJson = write.json;
          this.counters.checkpoints++;
        }
      },
      (err: unknown) => {
        for (const { h, write } of writes) h.chat.giveBack(write.chat);
        this.counters.checkpointFailures++;
        this.opts.logger.log('warn', 'checkpoint_failed', { worlds: due.map((d) => d.world), err: String(err) });
      },
    );
    for (const { h } of writes) {
      h.checkpointing = done.finally(() => {
        h.checkpointing = null;
      });
    }
  }

  /** An empty world goes back to the pool: whichever node a player reaches claims it again. */
  private async release(world: string, h: Hosted): Promise<void> {
    if (h.leaving) return;
    if ((await this.letGo(world, h)) === 'fenced') return this.lose(world, 'fenced while releasing');
    h.sessions.shutdown();
    this.opts.logger.log('info', 'world_released', { world, epoch: h.fence.epoch, reason: 'empty', lastTickAtMs: h.lastTickAtMs });
  }

  /**
   * Lets a world go on purpose: it stops ticking, its last state goes to PostgreSQL (a checkpoint
   * marked as a release, and the chat not yet written), then the lease is released — after
   * `beforeRelease` (a hand-over names the next owner there). 'fenced': another node owns the
   * world already, nothing was released.
   */
  private async letGo(world: string, h: Hosted, beforeRelease?: () => Promise<void>): Promise<'released' | 'fenced'> {
    h.leaving = true;
    this.rooms.delete(world);
    try {
      await h.checkpointing;
      // Side by side: the players wait (a hand-over's freeze).
      await Promise.all([this.writeCheckpoint(h, true), h.chat.flush()]);
    } catch (err) {
      if (err instanceof FencedWriteError) {
        h.leaving = false;
        return 'fenced';
      }
      this.opts.logger.log('warn', 'final_checkpoint_failed', { world, err: String(err) });
    }
    this.keeper.drop(world);
    h.chat.close();
    this.hosted.delete(world);
    // One connection keeps order: what `beforeRelease` sends reaches Redis before the release.
    const before = beforeRelease?.();
    await this.opts.leases.release(h.fence.lease).catch((err: unknown) => this.opts.logger.log('warn', 'lease_release_failed', { world, err: String(err) }));
    await before;
    return 'released';
  }

  private checkpoint(world: string, h: Hosted): void {
    if (h.checkpointing || h.leaving) return;
    h.checkpointing = this.writeCheckpoint(h)
      .catch((err: unknown) => {
        if (err instanceof FencedWriteError) return this.fenced(world, err);
        this.counters.checkpointFailures++;
        this.opts.logger.log('warn', 'checkpoint_failed', { world, err: String(err) });
      })
      .finally(() => {
        h.checkpointing = null;
      });
  }

  /**
   * A fenced checkpoint; passing also proves the world is still ours as of when it was sent.
   * `released`: the last one, written as the world is let go on purpose.
   */
  private async writeCheckpoint(h: Hosted, released = false): Promise<void> {
    const sentAt = this.opts.clock.now();
    const bodies = h.room.checkpoint();
    const json = checkpointJson(bodies);
    await this.opts.checkpoints.write(h.fence.now(), h.room.world.tick, this.opts.clock.wallMs(), json, released);
    h.lastCheckpointAt = sentAt;
    h.lastCheckpointBodies = bodies.length;
    h.lastCheckpointJson = json;
    h.provenUntil = sentAt + PROOF_MS;
    this.counters.checkpoints++;
  }

  // ---- losing --------------------------------------------------------------------------------

  private fenced(world: string, err: FencedWriteError): void {
    this.counters.fencedWritesRefused++;
    this.opts.logger.log('warn', 'fenced_write_refused', { world, what: err.what, epoch: err.fence.epoch });
    this.lose(world, `fenced: ${err.what}`);
  }

  /** Another node owns the world now: it stops here at once, and its players are sent on. */
  private lose(world: string, why: string): void {
    const h = this.hosted.get(world);
    if (!h) return;
    this.hosted.delete(world);
    this.rooms.delete(world);
    h.leaving = true;
    this.keeper.drop(world);
    h.chat.close();
    this.counters.lost++;
    this.opts.logger.log('warn', 'world_lost', { world, epoch: h.fence.epoch, node: this.opts.nodeId, why, lastTickAtMs: h.lastTickAtMs });
    // Players go where the world runs now, or back through any node if that is not known yet.
    void this.opts.ownerUrl(world).then(
      (url) => h.room.stopHere(url ? { world, url } : null, 250),
      () => h.room.stopHere(null, 250),
    );
  }
}
