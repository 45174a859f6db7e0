/**
 * Loads the generated art (scripts/generate-art.ts): six character sheets and the tile strip.
 * Sheets are 4 rows (facing down/left/right/up, the FACING values) by 4 columns of 32x32 frames:
 * column 0 idle, columns 1-3 the walk cycle, played 1,2,3,2.
 */
import { CHARACTER_COUNT } from '../../shared/limits.js';
import type { TileName } from '../../shared/world-map.js';

export const FRAME = 32;

/** A column of tiles.png: the map's tiles, and the tree alone on transparency (drawn over players). */
export type ArtTile = TileName | 'tree_sprite';

export interface Assets {
  readonly characters: readonly HTMLImageElement[];
  readonly tiles: HTMLImageElement;
  /** Column of each tile in tiles.png. */
  readonly tileIndex: Readonly<Record<ArtTile, number>>;
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not load ${src}`));
    img.src = src;
  });
}

const FALLBACK_INDEX: Record<ArtTile, number> = { grass0: 0, grass1: 1, grass2: 2, flowers: 3, dirt: 4, water: 5, stone: 6, bush: 7, tree: 8, sand: 9, tree_sprite: 10 };

async function loadTileIndex(): Promise<Record<ArtTile, number>> {
  try {
    const res = await fetch('assets/tiles.json');
    const json = (await res.json()) as { tiles?: Record<string, unknown> };
    const out = { ...FALLBACK_INDEX };
    for (const key of Object.keys(out) as ArtTile[]) {
      const v = json.tiles?.[key];
      if (typeof v === 'number') out[key] = v;
    }
    return out;
  } catch {
    return FALLBACK_INDEX;
  }
}

export async function loadAssets(): Promise<Assets> {
  const characters = await Promise.all(Array.from({ length: CHARACTER_COUNT }, (_, i) => loadImage(`assets/characters/char-${i}.png`)));
  const [tiles, tileIndex] = await Promise.all([loadImage('assets/tiles.png'), loadTileIndex()]);
  return { characters, tiles, tileIndex };
}

/** Walk cycle columns: 1,2,3,2 at about 8 frames per second. */
const WALK = [1, 2, 3, 2] as const;
export const WALK_FPS = 8;

export function frameColumn(moving: boolean, nowMs: number, phaseMs = 0): number {
  if (!moving) return 0;
  return WALK[Math.floor(((nowMs + phaseMs) * WALK_FPS) / 1000) % WALK.length] ?? 0;
}

/** Draws one frame of a sheet with its top-left at (dx, dy), `size` pixels square. */
export function drawFrame(ctx: CanvasRenderingContext2D, sheet: HTMLImageElement, facing: number, column: number, dx: number, dy: number, size: number): void {
  ctx.drawImage(sheet, column * FRAME, (facing & 3) * FRAME, FRAME, FRAME, dx, dy, size, size);
}
