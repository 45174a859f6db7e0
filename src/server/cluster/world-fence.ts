/**
 * The fence a world's owner presents with every write, shared by the world's session registry,
 * chat log and checkpoints. It changes when the owner claims the world again after Redis lost
 * its lease (a continuing claim: same owner, next epoch), so the parts hold this object, not a
 * copy of the epoch.
 */
import type { Fence } from './fence.js';
import type { WorldLease } from './world-leases.js';

export class WorldFence implements Fence {
  constructor(public lease: WorldLease) {}

  get world(): string {
    return this.lease.world;
  }

  get epoch(): number {
    return this.lease.epoch;
  }

  /** The fence as it is now, for a write in flight (a later re-claim does not change it). */
  now(): Fence {
    return { world: this.lease.world, epoch: this.lease.epoch };
  }
}
