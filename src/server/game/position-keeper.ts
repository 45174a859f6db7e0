/**
 * Positions outlive the process: moved bodies are written to storage periodically (the
 * composition root calls flushMoved), and a player's body when it leaves or the server stops.
 */
import type { Logger } from '../logger.js';
import type { ProfileStore, SavedPosition } from '../store/store.js';
import type { World } from './world.js';

export class PositionKeeper {
  constructor(
    private readonly world: World,
    private readonly profiles: ProfileStore,
    private readonly logger: Logger,
  ) {}

  /** Writes every body that moved since its last write. */
  flushMoved(): void {
    const ids: number[] = [];
    for (const wb of this.world.bodies.values()) if (wb.dirty) ids.push(wb.id);
    this.save(ids);
  }

  save(ids: Iterable<number>): void {
    const rows: SavedPosition[] = [];
    for (const id of ids) {
      const wb = this.world.bodies.get(id);
      if (!wb) continue;
      wb.dirty = false;
      rows.push({ id, x: wb.body.x, y: wb.body.y, facing: wb.body.facing });
    }
    if (rows.length === 0) return;
    this.profiles.savePositions(rows).catch((err: unknown) => this.logger.log('error', 'position_save_failed', { err: String(err) }));
  }
}
