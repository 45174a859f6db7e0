/**
 * Draws the shared map (shared/world-map.ts, the same layout the server collides with) in two
 * parts: the ground, once, into an offscreen canvas the size of the world (1 unit = 1 px), so a
 * frame costs one drawImage of the visible part; and the trees, as a list of sprites the renderer
 * sorts with the players by their feet, so a player north of a trunk walks behind its crown.
 */
import { TILE, layoutMap } from '../../shared/world-map.js';
import type { ArtTile, Assets } from './assets.js';

/** A tree to draw: its tile's top-left, and the y its trunk stands on (for depth sorting). */
export interface TreeSprite {
  readonly x: number;
  readonly y: number;
  readonly baseY: number;
}

export interface WorldArt {
  readonly ground: HTMLCanvasElement;
  /** Row-major (so already sorted by baseY). */
  readonly trees: readonly TreeSprite[];
}

/** Where a tree stands inside its tile: the bottom of the root flare in the art. */
const TREE_BASE = 28;

export function renderMap(assets: Assets, widthUnits: number, heightUnits: number): WorldArt {
  const layout = layoutMap(widthUnits, heightUnits);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(widthUnits));
  canvas.height = Math.max(1, Math.round(heightUnits));
  const trees: TreeSprite[] = [];
  const ctx = canvas.getContext('2d');
  if (!ctx) return { ground: canvas, trees };
  ctx.imageSmoothingEnabled = false;
  for (let y = 0; y < layout.rows; y++) {
    for (let x = 0; x < layout.cols; x++) {
      const name = layout.tileAt(x, y);
      // Trees and bushes stand on grass: draw the grass first so their transparent corners fill.
      if (name === 'tree' || name === 'bush') drawTile(ctx, assets, 'grass0', x * TILE, y * TILE);
      // The ground keeps the whole tree (its shadow is on the grass); the sprite redraws the
      // tree over anyone standing behind it.
      drawTile(ctx, assets, name, x * TILE, y * TILE);
      if (name === 'tree') trees.push({ x: x * TILE, y: y * TILE, baseY: y * TILE + TREE_BASE });
    }
  }
  return { ground: canvas, trees };
}

export function drawTile(ctx: CanvasRenderingContext2D, assets: Assets, name: ArtTile, x: number, y: number): void {
  const col = assets.tileIndex[name];
  ctx.drawImage(assets.tiles, col * TILE, 0, TILE, TILE, x, y, TILE, TILE);
}
