/**
 * World ownership: a lease in Redis with a fencing epoch from PostgreSQL.
 *
 * Claim, in one PostgreSQL transaction:
 *   1. world_epochs.epoch + 1 for the world (the row stays locked until commit, so claims of
 *      one world take turns);
 *   2. lease-claim-1.lua: take the Redis lease with that epoch and a fresh token, if free;
 *   3. commit when Redis said yes, roll back when not — a failed claim leaves the epoch as it
 *      was, so the holder's fenced writes keep passing.
 * The epoch is durable and only grows: a Redis that restarted empty cannot hand out an old one.
 *
 * Renew presents token and epoch (lease-renew-1.lua): a node that stalled past its lease learns
 * it lost instead of extending the new owner's. The holder keeps `validUntilMs`, the local time
 * up to which it may act as owner: the send time of its last successful claim or renew plus the
 * TTL (Redis starts the TTL later than that, so this errs towards stopping early).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Clock } from '../../shared/clock.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { Fence } from './fence.js';
import type { RedisScripts } from './redis-scripts.js';

export interface WorldLease extends Fence {
  readonly nodeId: string;
  readonly token: string;
  /** Local monotonic time until which this node may act as the world's owner. */
  validUntilMs: number;
}

export type ClaimResult =
  | { readonly claimed: true; readonly lease: WorldLease }
  /** Another claim holds the Redis lease: where the world runs now. */
  | { readonly claimed: false; readonly reason: 'held'; readonly holder: { readonly node: string; readonly epoch: number } }
  /** A continuing claim found that someone else owned the world since (its state is stale). */
  | { readonly claimed: false; readonly reason: 'superseded' }
  /** Another node's claim of the same world kept its PostgreSQL row locked past the lock timeout. */
  | { readonly claimed: false; readonly reason: 'busy' };

/** renewed; expired: no lease in Redis (ran out, or Redis lost it); taken: another claim holds it. */
export type RenewResult = 'renewed' | 'expired' | 'taken';

export interface WorldLeasesOptions {
  readonly scripts: RedisScripts;
  readonly pool: pg.Pool;
  readonly keys: ClusterKeys;
  readonly nodeId: string;
  readonly ttlMs: number;
  readonly clock: Clock;
  /** How long a claim waits for another node's claim of the same world in PostgreSQL. */
  readonly claimLockTimeoutMs?: number;
}

const LOCK_NOT_AVAILABLE = '55P03';

const NEXT_EPOCH = `
  INSERT INTO world_epochs (world, epoch, node_id) VALUES ($1, 1, $2)
  ON CONFLICT (world) DO UPDATE SET epoch = world_epochs.epoch + 1, node_id = EXCLUDED.node_id, claimed_at = now()
  RETURNING epoch`;

/** Only if the caller's epoch is still the last one: nobody owned the world in between. */
const CONTINUE_EPOCH = `
  UPDATE world_epochs SET epoch = epoch + 1, claimed_at = now()
  WHERE world = $1 AND node_id = $2 AND epoch = $3
  RETURNING epoch`;

export class WorldLeases {
  constructor(private readonly opts: WorldLeasesOptions) {}

  /**
   * Claims a world. `continueFrom`: the epoch this node held when Redis forgot its lease (a Redis
   * restart); the claim succeeds only if no other node owned the world since, so the node may
   * keep running the world from memory.
   */
  async claim(world: string, continueFrom?: number): Promise<ClaimResult> {
    const { pool, scripts, keys, nodeId, ttlMs, clock } = this.opts;
    const lockMs = this.opts.claimLockTimeoutMs ?? 2000;
    const client = await pool.connect();
    // A connection PostgreSQL ends while it is checked out (the idle-in-transaction timeout
    // below, after a stall) emits 'error' on the client; unheard, that would end the process.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    let open = false;
    try {
      // The idle timeout ends the transaction of a node that stalls mid-claim, so its row lock
      // cannot block the other nodes' claims for longer than that.
      await client.query(`BEGIN; SET LOCAL lock_timeout = ${lockMs}; SET LOCAL idle_in_transaction_session_timeout = ${Math.max(ttlMs, 1000)}`);
      open = true;
      const { rows } =
        continueFrom === undefined
          ? await client.query<{ epoch: number }>(NEXT_EPOCH, [world, nodeId])
          : await client.query<{ epoch: number }>(CONTINUE_EPOCH, [world, nodeId, continueFrom]);
      const epoch = rows[0]?.epoch;
      if (epoch === undefined) {
        await client.query('ROLLBACK');
        open = false;
        return { claimed: false, reason: 'superseded' };
      }
      const token = randomBytes(16).toString('hex');
      const sentAt = clock.now();
      const [won, node, heldEpoch] = (await scripts.run('lease-claim', [keys.lease(world)], [nodeId, token, epoch, ttlMs])) as [number, string, string];
      if (won !== 1) {
        await client.query('ROLLBACK');
        open = false;
        return { claimed: false, reason: 'held', holder: { node, epoch: Number(heldEpoch) } };
      }
      const lease: WorldLease = { world, epoch, nodeId, token, validUntilMs: sentAt + ttlMs };
      try {
        await client.query('COMMIT');
        open = false;
      } catch (err) {
        // The epoch did not become durable: nobody may write with it. Free the lease again.
        await this.release(lease).catch(() => {});
        throw err;
      }
      return { claimed: true, lease };
    } catch (err) {
      if (open) await client.query('ROLLBACK').catch(() => {});
      if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return { claimed: false, reason: 'busy' };
      throw err;
    } finally {
      client.off('error', onError);
      // A broken connection is thrown away instead of going back to the pool.
      client.release(broken);
    }
  }

  /** One Redis command. On 'renewed' the lease's validUntilMs moves on. */
  async renew(lease: WorldLease): Promise<RenewResult> {
    const sentAt = this.opts.clock.now();
    const r = await this.opts.scripts.run('lease-renew', [this.opts.keys.lease(lease.world)], [lease.token, lease.epoch, this.opts.ttlMs]);
    if (r === 1) {
      lease.validUntilMs = sentAt + this.opts.ttlMs;
      return 'renewed';
    }
    lease.validUntilMs = 0;
    return r === 0 ? 'expired' : 'taken';
  }

  /** True when this claim held the lease and gave it up; false when it had already lost it. */
  async release(lease: WorldLease): Promise<boolean> {
    lease.validUntilMs = 0;
    return (await this.opts.scripts.run('lease-release', [this.opts.keys.lease(lease.world)], [lease.token])) === 1;
  }
}
