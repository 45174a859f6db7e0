/**
 * Loads the generated art (scripts/generate-art.ts): six character sheets and the tile strip.
 * Sheets are 4 rows (facing down/left/right/up, the FACING values) by 4 columns of 32x32 frames:
 * column 0 idle, columns 1-3 the walk cycle, played 1,2,3,2.
 */
import char0 from '../../../public/assets/characters/char-0.png';
import char1 from '../../../public/assets/characters/char-1.png';
import char2 from '../../../public/assets/characters/char-2.png';
import char3 from '../../../public/assets/characters/char-3.png';
import char4 from '../../../public/assets/characters/char-4.png';
import char5 from '../../../public/assets/characters/char-5.png';
import tileJson from '../../../public/assets/tiles.json';
import tilesUrl from '../../../public/assets/tiles.png';
import { CHARACTER_COUNT } from '../../shared/limits.js';
import type { TileName } from '../../shared/world-map.js';

/** One sheet per character id (CHARACTER_COUNT of them). */
const CHARACTER_URLS: readonly string[] = [char0, char1, char2, char3, char4, char5].slice(0, CHARACTER_COUNT);

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

const KNOWN_TILES: readonly ArtTile[] = ['grass0', 'grass1', 'grass2', 'flowers', 'dirt', 'water', 'stone', 'bush', 'tree', 'sand', 'tree_sprite'];

/** The generator's index, bundled (200 bytes: cheaper than a request); a missing key keeps its default column. */
function tileIndexFrom(json: { tiles?: Record<string, unknown> }): Record<ArtTile, number> {
  const out = Object.fromEntries(KNOWN_TILES.map((name, i) => [name, i])) as Record<ArtTile, number>;
  for (const key of KNOWN_TILES) {
    const v = json.tiles?.[key];
    if (typeof v === 'number') out[key] = v;
  }
  return out;
}

export async function loadAssets(): Promise<Assets> {
  // The build turns each imported image into a content-hashed file and these into its URL.
  const [characters, tiles] = await Promise.all([Promise.all(CHARACTER_URLS.map(loadImage)), loadImage(tilesUrl)]);
  return { characters, tiles, tileIndex: tileIndexFrom(tileJson) };
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
