/**
 * Where worlds run. The lobby (lobby.ts) asks this before it hands a connection to a room: which
 * world a quick join goes to, whether a world runs in this process or on another node, which
 * world a resume token belongs to, and what the join screen lists. Single-process mode answers
 * from its own rooms (local-placement.ts); a cluster node answers from the cluster's directory
 * and leases (server/cluster/), which is why every answer may wait.
 */
import { overflowWorldName } from '../../shared/world-names.js';
import type { Room } from './room.js';

export interface WorldSummary {
  readonly name: string;
  /** Bodies in the world, live or in their grace period. */
  readonly players: number;
  readonly capacity: number;
}

export type WorldLocation =
  | { readonly kind: 'here'; readonly room: Room }
  /** Runs on another node: the player is sent to its public WebSocket URL. */
  | { readonly kind: 'elsewhere'; readonly url: string }
  /** Cannot be joined now; `message` is for people. */
  | { readonly kind: 'unavailable'; readonly message: string };

export interface WorldPlacement {
  /** The world a quick join goes to: one with room, or a new overflow world. */
  quickJoin(): Promise<string>;
  /** Where `world` runs for a player who wants in; a world that runs nowhere may be opened here. */
  locate(world: string): Promise<WorldLocation>;
  /** The world a resume token's session belongs to; undefined when the token is not known. */
  sessionWorld(resumeToken: string): Promise<string | undefined>;
  /** Every world a player can join, with how full it is (the join screen's list). */
  list(): Promise<WorldSummary[]>;
  /** The public URLs of the cluster's nodes a client may be moved to (none in single-process mode). */
  nodeUrls(): Promise<string[]>;
  /** The worlds running in this process. */
  readonly rooms: ReadonlyMap<string, Room>;
  /**
   * Whether a world may tick now (a cluster node holds it only while its lease is sure); absent:
   * always.
   */
  mayRun?(room: Room): boolean;
}

/**
 * Where a quick join goes, the same in one process and in a cluster: the first configured world
 * with room, in the order configured, else the first overflow world of the first one (`lobby-2`,
 * `lobby-3`, ...) with room. `hasRoom` answers for a world by name (one not running has room).
 */
export function quickJoinWorld(configured: ReadonlyArray<{ readonly name: string }>, hasRoom: (world: string) => boolean): string {
  for (const w of configured) if (hasRoom(w.name)) return w.name;
  const base = configured[0]!.name;
  for (let n = 2; ; n++) {
    const name = overflowWorldName(base, n);
    if (hasRoom(name)) return name;
  }
}
