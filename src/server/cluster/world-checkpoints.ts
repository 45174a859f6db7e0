/**
 * A world's checkpoint in PostgreSQL: tick, time and every body's position and facing, one row
 * per world, overwritten by each checkpoint (at least twice a second by the owner). The write is
 * fenced in the same statement: it goes through only while the presented epoch is the world's
 * current one, holding that row in share mode so a claim cannot slip in between the check and
 * the write. The next owner of the world restores from here.
 */
import type pg from 'pg';
import { FencedWriteError, type Fence } from './fence.js';

export interface BodyCheckpoint {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly facing: number;
}

export interface WorldCheckpoint {
  readonly world: string;
  /** The epoch of the owner that wrote it. */
  readonly epoch: number;
  readonly tick: number;
  readonly atMs: number;
  readonly bodies: readonly BodyCheckpoint[];
}

const FENCED_UPSERT = `
  WITH owner AS (SELECT 1 FROM world_epochs WHERE world = $1 AND epoch = $2 FOR SHARE)
  INSERT INTO world_checkpoints (world, epoch, tick, at_ms, bodies)
  SELECT $1, $2, $3, $4, $5::jsonb FROM owner
  ON CONFLICT (world) DO UPDATE SET epoch = EXCLUDED.epoch, tick = EXCLUDED.tick, at_ms = EXCLUDED.at_ms, bodies = EXCLUDED.bodies`;

/** Bodies go as [id, x, y, facing] rows: a third the size of objects with named fields. */
type BodyRow = [number, number, number, number];

export class WorldCheckpoints {
  constructor(private readonly pool: pg.Pool) {}

  /** Throws FencedWriteError when `fence.epoch` is not the world's current epoch. */
  async write(fence: Fence, tick: number, atMs: number, bodies: readonly BodyCheckpoint[]): Promise<void> {
    const rows: BodyRow[] = bodies.map((b) => [b.id, b.x, b.y, b.facing]);
    const r = await this.pool.query(FENCED_UPSERT, [fence.world, fence.epoch, tick, atMs, JSON.stringify(rows)]);
    if (r.rowCount !== 1) throw new FencedWriteError('checkpoint', fence);
  }

  async read(world: string): Promise<WorldCheckpoint | undefined> {
    const { rows } = await this.pool.query<{ epoch: number; tick: number; at_ms: number; bodies: BodyRow[] }>(
      'SELECT epoch, tick, at_ms, bodies FROM world_checkpoints WHERE world = $1',
      [world],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { world, epoch: r.epoch, tick: r.tick, atMs: r.at_ms, bodies: r.bodies.map(([id, x, y, facing]) => ({ id, x, y, facing })) };
  }
}
