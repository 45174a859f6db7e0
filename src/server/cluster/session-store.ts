/**
 * Sessions outside the node, in Redis, so a player resumes on whichever node runs its world —
 * also after the node it played on died. A session is a hash under the sha256 of its current
 * resume token (the token itself is never stored): player id, world, name, character, the last
 * chat seq the player acknowledged and since when the player is away. A resume spends the token
 * and moves the record to the next token's hash in one script; the record's TTL is the grace
 * period plus a margin, so an abandoned session ends by itself. Every write is fenced by the
 * epoch of the world's lease. The game's SessionRegistry interface (issue 12) is to be filled on
 * top of this by the world's owner, which knows each of its players' current token hash.
 */
import type { ClusterKeys } from './cluster-keys.js';
import { FencedWriteError, LeaseMissingError, type Fence } from './fence.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisScripts } from './redis-scripts.js';

export interface SessionRecord {
  readonly playerId: number;
  readonly world: string;
  readonly name: string;
  readonly character: number;
  /** The last chat seq the player acknowledged: replay after a resume starts after it. */
  readonly chatAck: number;
  /**
   * Wall-clock ms since 1970 when the player's connection dropped (its grace period began), 0
   * while connected: a resume on another node tells how long the player was away from it.
   */
  readonly awaySinceMs: number;
}

export type ResumeResult =
  | { readonly kind: 'resumed'; readonly session: SessionRecord }
  /** Never issued, expired, or already spent by another resume. */
  | { readonly kind: 'unknown' }
  /** The session's world is not the caller's: send the player there. */
  | { readonly kind: 'moved'; readonly world: string };

export interface SessionStoreOptions {
  readonly redis: RedisConnection;
  readonly scripts: RedisScripts;
  readonly keys: ClusterKeys;
  /** Grace period plus a margin for a node's death to be noticed and the world claimed. */
  readonly ttlMs: number;
}

export class SessionStore {
  constructor(private readonly opts: SessionStoreOptions) {}

  /** Creates or overwrites the session under `tokenHashHex`. Throws FencedWriteError, LeaseMissingError. */
  async put(fence: Fence, tokenHashHex: string, s: SessionRecord): Promise<void> {
    if (s.world !== fence.world) throw new Error(`session of world ${s.world} written under the fence of ${fence.world}`);
    const { scripts, keys, ttlMs } = this.opts;
    const r = await scripts.run('session-put', [keys.session(tokenHashHex), keys.lease(fence.world)], [fence.epoch, ttlMs, ...fieldsOf(s)]);
    if (r === -2) throw new LeaseMissingError('session write', fence);
    if (r !== 1) throw new FencedWriteError('session write', fence);
  }

  /**
   * Updates a session that exists (false: it does not: spent, ended or expired); never creates
   * one. Throws FencedWriteError, LeaseMissingError.
   */
  async update(fence: Fence, tokenHashHex: string, s: SessionRecord): Promise<boolean> {
    const { scripts, keys, ttlMs } = this.opts;
    const r = await scripts.run('session-update', [keys.session(tokenHashHex), keys.lease(fence.world)], [fence.epoch, ttlMs, ...fieldsOf(s)]);
    if (r === -2) throw new LeaseMissingError('session update', fence);
    if (r === -1) throw new FencedWriteError('session update', fence);
    return r === 1;
  }

  /** A plain read, for any node: where the session lives, before sending the player there. */
  async find(tokenHashHex: string): Promise<SessionRecord | undefined> {
    this.opts.scripts.commandsSent++;
    const h = await this.opts.redis.hGetAll(this.opts.keys.session(tokenHashHex));
    return h['world'] === undefined ? undefined : fromFields(h);
  }

  /** Spends `presentedHashHex`; the session lives on under `nextHashHex`. Throws FencedWriteError. */
  async resume(fence: Fence, presentedHashHex: string, nextHashHex: string): Promise<ResumeResult> {
    const { scripts, keys, ttlMs } = this.opts;
    const r = (await scripts.run('session-resume', [keys.session(presentedHashHex), keys.session(nextHashHex), keys.lease(fence.world)], [fence.world, fence.epoch, ttlMs])) as Array<string | number>;
    const code = r[0];
    if (code === 1) {
      const h: Record<string, string> = {};
      for (let i = 1; i + 1 < r.length; i += 2) h[String(r[i])] = String(r[i + 1]);
      return { kind: 'resumed', session: fromFields(h) };
    }
    if (code === 0) return { kind: 'unknown' };
    if (code === -2) return { kind: 'moved', world: String(r[1]) };
    if (code === -3) throw new LeaseMissingError('session resume', fence);
    throw new FencedWriteError('session resume', fence);
  }

  /** True when a session was ended, false when there was none. Throws FencedWriteError. */
  async end(fence: Fence, tokenHashHex: string): Promise<boolean> {
    const { scripts, keys } = this.opts;
    const r = await scripts.run('session-end', [keys.session(tokenHashHex), keys.lease(fence.world)], [fence.epoch]);
    if (r === -2) throw new LeaseMissingError('session end', fence);
    if (r === -1) throw new FencedWriteError('session end', fence);
    return r === 1;
  }
}

function fieldsOf(s: SessionRecord): Array<string | number> {
  return ['player', s.playerId, 'world', s.world, 'name', s.name, 'character', s.character, 'chatAck', s.chatAck, 'awaySince', s.awaySinceMs];
}

function fromFields(h: Record<string, string>): SessionRecord {
  return {
    playerId: Number(h['player']),
    world: h['world'] ?? '',
    name: h['name'] ?? '',
    character: Number(h['character']),
    chatAck: Number(h['chatAck']),
    awaySinceMs: Number(h['awaySince'] ?? 0),
  };
}
