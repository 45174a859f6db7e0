/**
 * The roster after a welcome in a crowded world: the welcome lists the nearest players and the
 * rest arrive in `roster` messages over the next ticks (docs/protocol.md). Meanwhile the state
 * frames already carry everyone's bodies: records for players the client has no info for yet
 * are kept here (the newest per body) and applied when the info arrives, so a streamed-in player
 * is where the server has it and moves from the first frame on, as if it had been in the
 * welcome. The old roster is pruned once the new one is complete, not before (a resume keeps
 * showing players until the server has said who is still there).
 */
import type { BodyState } from '../../shared/snapshot-codec.js';

export interface StashedRecord {
  readonly tick: number;
  readonly state: BodyState;
}

export class RosterSync {
  /** Ids in the new roster so far; null when no roster is streaming. */
  private seen: Set<number> | null = null;
  private readonly stashed = new Map<number, StashedRecord>();

  get streaming(): boolean {
    return this.seen !== null;
  }

  /** A welcome listing `ids`; `more`: the rest follows in roster messages. */
  begin(ids: Iterable<number>, more: boolean): void {
    this.stashed.clear();
    this.seen = more ? new Set(ids) : null;
  }

  /** A player known from now on (roster chunk, joined). */
  add(id: number): void {
    this.seen?.add(id);
  }

  /** The roster is complete: returns the ids it holds (prune the others), or null if none streamed. */
  finish(): ReadonlySet<number> | null {
    const seen = this.seen;
    this.seen = null;
    this.stashed.clear();
    return seen;
  }

  /** A record for a body whose player is not known yet (kept only while streaming). */
  stash(tick: number, state: BodyState): void {
    if (this.seen) this.stashed.set(state.id, { tick, state });
  }

  take(id: number): StashedRecord | undefined {
    const r = this.stashed.get(id);
    if (r) this.stashed.delete(id);
    return r;
  }

  forget(id: number): void {
    this.stashed.delete(id);
    this.seen?.delete(id);
  }
}
