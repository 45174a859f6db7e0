/**
 * A world's checkpoint in PostgreSQL: tick, time and every body's position and facing, one row
 * per world, overwritten by each checkpoint (at least twice a second by the owner). The write is
 * fenced in the same statement: it goes through only while the presented epoch is the world's
 * current one, holding that row in share mode so a claim cannot slip in between the check and
 * the write. The next owner of the world restores from here.
 */
import type pg from 'pg';
import type { BodyRecord } from '../game/room.js';
import type { StoredChatLine } from '../store/store.js';
import { chatLineColumns } from './chat-history.js';
import { FencedWriteError, type Fence } from './fence.js';

/** A body as the game hands it over (who it is, so the next owner can show it before its player resumes). */
export type BodyCheckpoint = BodyRecord;

export interface WorldCheckpoint {
  readonly world: string;
  /** The epoch of the owner that wrote it. */
  readonly epoch: number;
  readonly tick: number;
  readonly atMs: number;
  readonly bodies: readonly BodyCheckpoint[];
  /** Written by an owner letting the world go on purpose (hand-over, empty, stop). */
  readonly released: boolean;
}

const FENCED_UPSERT = `
  WITH owner AS (SELECT 1 FROM world_epochs WHERE world = $1 AND epoch = $2 FOR SHARE)
  INSERT INTO world_checkpoints (world, epoch, tick, at_ms, bodies, released)
  SELECT $1, $2, $3, $4, $5::jsonb, $6 FROM owner
  ON CONFLICT (world) DO UPDATE SET epoch = EXCLUDED.epoch, tick = EXCLUDED.tick, at_ms = EXCLUDED.at_ms, bodies = EXCLUDED.bodies, released = EXCLUDED.released`;

/**
 * Several worlds of one node in one statement (a node checkpoints all its worlds at once), with
 * the chat lines they posted since their last checkpoint (the durable copy of chat rides along,
 * so it costs no round trip of its own). A world's rows go in only where its epoch is still the
 * presented one; the worlds written come back, so the refused ones are known.
 */
const FENCED_UPSERT_MANY = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::jsonb[]) AS t(world, epoch, tick, at_ms, bodies)
  ), owner AS (
    SELECT input.* FROM input JOIN world_epochs e ON e.world = input.world AND e.epoch = input.epoch FOR SHARE OF e
  ), chat AS (
    INSERT INTO world_chat (world, seq, from_id, client_id, name, text, at_ms)
    SELECT l.world, l.seq, l.from_id, l.client_id, l.name, l.text, l.at_ms
    FROM unnest($6::text[], $7::bigint[], $8::int[], $9::text[], $10::text[], $11::text[], $12::bigint[]) AS l(world, seq, from_id, client_id, name, text, at_ms)
    JOIN owner ON owner.world = l.world
    ON CONFLICT (world, seq) DO NOTHING
  )
  INSERT INTO world_checkpoints (world, epoch, tick, at_ms, bodies, released)
  SELECT world, epoch, tick, at_ms, bodies, false FROM owner
  ON CONFLICT (world) DO UPDATE SET epoch = EXCLUDED.epoch, tick = EXCLUDED.tick, at_ms = EXCLUDED.at_ms, bodies = EXCLUDED.bodies, released = false
  RETURNING world`;

export interface CheckpointWrite {
  readonly fence: Fence;
  readonly tick: number;
  readonly atMs: number;
  /** The bodies, serialised by checkpointJson. */
  readonly json: string;
  /** Chat lines of the world not yet in its durable history. */
  readonly chat: readonly StoredChatLine[];
}

/** Bodies go as [id, x, y, facing, character, name] rows: half the size of objects with named fields. */
type BodyRow = [number, number, number, number, number?, string?];

/** The bodies as a checkpoint stores them (compare two to see whether anything moved). */
export function checkpointJson(bodies: readonly BodyCheckpoint[]): string {
  const rows: BodyRow[] = bodies.map((b) => [b.id, b.x, b.y, b.facing, b.character, b.name]);
  return JSON.stringify(rows);
}

export class WorldCheckpoints {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * `bodies`: as they are, or already serialised by checkpointJson. `released`: the owner is
   * letting the world go (the last checkpoint it writes). Throws FencedWriteError when
   * `fence.epoch` is not the world's current epoch.
   */
  async write(fence: Fence, tick: number, atMs: number, bodies: readonly BodyCheckpoint[] | string, released = false): Promise<void> {
    const json = typeof bodies === 'string' ? bodies : checkpointJson(bodies);
    // A named statement: prepared once per connection, twice a second per world from then on.
    const r = await this.pool.query({ name: 'tether_checkpoint', text: FENCED_UPSERT, values: [fence.world, fence.epoch, tick, atMs, json, released] });
    if (r.rowCount !== 1) throw new FencedWriteError('checkpoint', fence);
  }

  /**
   * Checkpoints of several worlds, and their new chat lines, in one statement. Returns the worlds
   * refused by their fence (another node owns them now: nothing of theirs was written).
   */
  async writeMany(writes: readonly CheckpointWrite[]): Promise<Set<string>> {
    const lines = writes.flatMap((w) => w.chat.map((l) => ({ world: w.fence.world, ...l })));
    const { rows } = await this.pool.query<{ world: string }>({
      name: 'tether_checkpoint_many',
      text: FENCED_UPSERT_MANY,
      values: [
        writes.map((w) => w.fence.world),
        writes.map((w) => w.fence.epoch),
        writes.map((w) => w.tick),
        writes.map((w) => w.atMs),
        writes.map((w) => w.json),
        lines.map((l) => l.world),
        ...chatLineColumns(lines),
      ],
    });
    const written = new Set(rows.map((r) => r.world));
    return new Set(writes.map((w) => w.fence.world).filter((world) => !written.has(world)));
  }

  async read(world: string): Promise<WorldCheckpoint | undefined> {
    const { rows } = await this.pool.query<{ epoch: number; tick: number; at_ms: number; bodies: BodyRow[]; released: boolean }>(
      'SELECT epoch, tick, at_ms, bodies, released FROM world_checkpoints WHERE world = $1',
      [world],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { world, epoch: r.epoch, tick: r.tick, atMs: r.at_ms, released: r.released, bodies: r.bodies.map(([id, x, y, facing, character = 0, name = '']) => ({ id, x, y, facing, name, character })) };
  }

  /**
   * When the world was last written and whether on purpose, without its bodies: may another node
   * take it (its owner let it go, or stopped writing), or is its owner still at work?
   */
  async lastWrite(world: string): Promise<{ atMs: number; released: boolean } | undefined> {
    const { rows } = await this.pool.query<{ at_ms: number; released: boolean }>('SELECT at_ms, released FROM world_checkpoints WHERE world = $1', [world]);
    const r = rows[0];
    return r ? { atMs: r.at_ms, released: r.released } : undefined;
  }

  /**
   * Worlds whose owner stopped writing without letting them go (it died or stalls) since at
   * least `quietSinceMs`, with bodies written after `sinceMs` (players who may still come back).
   */
  async abandoned(sinceMs: number, quietSinceMs: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ world: string }>(
      'SELECT world FROM world_checkpoints WHERE NOT released AND at_ms > $1 AND at_ms < $2 AND jsonb_array_length(bodies) > 0',
      [sinceMs, quietSinceMs],
    );
    return rows.map((r) => r.world);
  }
}
