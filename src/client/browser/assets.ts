/**
 * Loads the generated art (scripts/generate-art.ts): the six character sheets, one below the
 * other in one image (one request, not six: on a slow link every request beyond the browser's six
 * connections costs a round trip), and the tile strip. A sheet is 4 rows (facing
 * down/left/right/up, the FACING values) by 4 columns of 32x32 frames: column 0 idle, columns 1-3
 * the walk cycle, played 1,2,3,2.
 */
import charactersUrl from '../../../public/assets/characters.png';
import tileJson from '../../../public/assets/tiles.json';
import tilesUrl from '../../../public/assets/tiles.png';
import { CHARACTER_COUNT } from '../../shared/limits.js';
import type { TileName } from '../../shared/world-map.js';

export const FRAME = 32;
/** One character's sheet: 4 facings of FRAME. */
const SHEET_HEIGHT = 4 * FRAME;

/** A column of tiles.png: the map's tiles, and the tree alone on transparency (drawn over players). */
export type ArtTile = TileName | 'tree_sprite';

export interface Assets {
  /** Every character's sheet, character i's from row i * 4 frames down. */
  readonly characters: HTMLImageElement;
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
  const [characters, tiles] = await Promise.all([loadImage(charactersUrl), loadImage(tilesUrl)]);
  return { characters, tiles, tileIndex: tileIndexFrom(tileJson) };
}

/** Walk cycle columns: 1,2,3,2 at about 8 frames per second. */
const WALK = [1, 2, 3, 2] as const;
export const WALK_FPS = 8;

export function frameColumn(moving: boolean, nowMs: number, phaseMs = 0): number {
  if (!moving) return 0;
  return WALK[Math.floor(((nowMs + phaseMs) * WALK_FPS) / 1000) % WALK.length] ?? 0;
}

/** Draws one frame of a character with its top-left at (dx, dy), `size` pixels square (an unknown character draws as the first). */
export function drawFrame(ctx: CanvasRenderingContext2D, assets: Assets, character: number, facing: number, column: number, dx: number, dy: number, size: number): void {
  const c = Number.isInteger(character) && character >= 0 && character < CHARACTER_COUNT ? character : 0;
  ctx.drawImage(assets.characters, column * FRAME, c * SHEET_HEIGHT + (facing & 3) * FRAME, FRAME, FRAME, dx, dy, size, size);
}
