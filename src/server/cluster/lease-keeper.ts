/**
 * Keeps a node's world leases alive: renews each one every `renewEveryMs` (a third of the TTL
 * leaves two renewals' room for a slow Redis) and says when a lease's state changes:
 *
 * - `unsure`: the lease's validity (world-leases.ts, validUntilMs) ran out with no confirmed
 *   renewal — Redis is unreachable or slow. Another node may claim the world from now on, so
 *   the owner must not act on the lease alone any more (what it does instead is the caller's
 *   policy; docs/cluster.md). The keeper goes on trying.
 * - `held`: renewed again after `unsure`.
 * - `taken`: another claim holds the lease. Final: the world must stop here at once.
 * - `expired`: Redis has no lease (it ran out, or Redis restarted empty). Final for the keeper;
 *   the owner may try a continuing claim (WorldLeases.claim with continueFrom).
 *
 * A renewal whose reply never comes (node-redis queues commands while it reconnects) cannot
 * hold the keeper up: a guard timer at validUntilMs declares `unsure` regardless.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { WorldLease, WorldLeases } from './world-leases.js';

export type LeaseState = 'held' | 'unsure' | 'taken' | 'expired';

interface Kept {
  readonly lease: WorldLease;
  timer: TimerHandle | null;
  guard: TimerHandle | null;
  unsure: boolean;
  inFlight: boolean;
}

export class LeaseKeeper {
  private readonly kept = new Map<string, Kept>();
  renewals = 0;
  renewalFailures = 0;

  constructor(
    private readonly leases: WorldLeases,
    private readonly clock: Clock,
    private readonly renewEveryMs: number,
    private readonly onState: (lease: WorldLease, state: LeaseState) => void,
  ) {}

  keep(lease: WorldLease): void {
    this.drop(lease.world);
    const k: Kept = { lease, timer: null, guard: null, unsure: false, inFlight: false };
    this.kept.set(lease.world, k);
    this.schedule(k, this.renewEveryMs);
    this.armGuard(k);
  }

  /** Stops renewing a world (before a release, or after the world stopped). */
  drop(world: string): void {
    const k = this.kept.get(world);
    if (!k) return;
    this.kept.delete(world);
    if (k.timer) this.clock.clearTimeout(k.timer);
    if (k.guard) this.clock.clearTimeout(k.guard);
  }

  stop(): void {
    for (const world of [...this.kept.keys()]) this.drop(world);
  }

  get worlds(): string[] {
    return [...this.kept.keys()];
  }

  private schedule(k: Kept, ms: number): void {
    k.timer = this.clock.setTimeout(() => {
      k.timer = null;
      void this.renew(k);
    }, ms);
  }

  private armGuard(k: Kept): void {
    if (k.guard) this.clock.clearTimeout(k.guard);
    k.guard = this.clock.setTimeout(() => {
      k.guard = null;
      if (this.kept.get(k.lease.world) !== k || k.unsure) return;
      // A timer may fire a little before the monotonic clock reaches its time: wait the rest.
      if (this.clock.now() < k.lease.validUntilMs) return this.armGuard(k);
      k.unsure = true;
      this.onState(k.lease, 'unsure');
    }, Math.max(1, k.lease.validUntilMs - this.clock.now()));
  }

  private async renew(k: Kept): Promise<void> {
    if (k.inFlight) return this.schedule(k, this.renewEveryMs);
    k.inFlight = true;
    let result: Awaited<ReturnType<WorldLeases['renew']>> | null = null;
    try {
      result = await this.leases.renew(k.lease);
      this.renewals++;
    } catch {
      this.renewalFailures++;
    } finally {
      k.inFlight = false;
    }
    if (this.kept.get(k.lease.world) !== k) return;
    if (result === 'taken' || result === 'expired') {
      this.drop(k.lease.world);
      this.onState(k.lease, result);
      return;
    }
    if (result === 'renewed') {
      this.armGuard(k);
      if (k.unsure) {
        k.unsure = false;
        this.onState(k.lease, 'held');
      }
    }
    // After a failure, try again sooner: the lease may still be saved before it runs out.
    this.schedule(k, result === 'renewed' ? this.renewEveryMs : Math.max(10, this.renewEveryMs / 3));
  }
}
