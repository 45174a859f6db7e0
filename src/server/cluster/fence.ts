/**
 * Fencing: every write a world's owner makes (checkpoint, session, chat) presents the epoch of
 * its lease, and the store refuses it unless that epoch is the world's current one. A node that
 * stalled past its lease and wakes up still believing it owns the world is stopped by its first
 * write, whatever its own clock says.
 */
export interface Fence {
  readonly world: string;
  readonly epoch: number;
}

export class FencedWriteError extends Error {
  constructor(
    readonly what: string,
    readonly fence: Fence,
  ) {
    super(`${what} for world ${JSON.stringify(fence.world)} refused: epoch ${fence.epoch} is no longer the owner's`);
  }
}

/**
 * The world's lease is not in Redis at all (it ran out, or Redis restarted empty): nothing was
 * written. Unlike FencedWriteError this does not say another node owns the world; the owner
 * claims it again (a continuing claim) and retries, or stops the world if that claim fails.
 */
export class LeaseMissingError extends Error {
  constructor(
    readonly what: string,
    readonly fence: Fence,
  ) {
    super(`${what} for world ${JSON.stringify(fence.world)} not written: the world has no lease in Redis`);
  }
}
