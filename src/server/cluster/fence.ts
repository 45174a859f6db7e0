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
