/**
 * A world's checkpoint in PostgreSQL: tick, time and every body's position and facing, one row
 * per world, overwritten by each checkpoint (at least twice a second by the owner). The write is
 * fenced in the same statement: it goes through only while the presented epoch is the world's
 * current one, holding that row in share mode so a claim cannot slip in between the check and
 * the write. The next owner of the world restores from here.
 */
import type pg from 'pg';
import type { BodyRecord } from '../game/room.js';
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

/** Bodies go as [id, x, y, facing, character, name] rows: half the size of objects with named fields. */
type BodyRow = [number, number, number, number, number?, string?];

export class WorldCheckpoints {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * `released`: the owner is letting the world go (the last checkpoint it writes). Throws
   * FencedWriteError when `fence.epoch` is not the world's current epoch.
   */
  async write(fence: Fence, tick: number, atMs: number, bodies: readonly BodyCheckpoint[], released = false): Promise<void> {
    const rows: BodyRow[] = bodies.map((b) => [b.id, b.x, b.y, b.facing, b.character, b.name]);
    const r = await this.pool.query(FENCED_UPSERT, [fence.world, fence.epoch, tick, atMs, JSON.stringify(rows), released]);
    if (r.rowCount !== 1) throw new FencedWriteError('checkpoint', fence);
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
