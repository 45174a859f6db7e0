/**
 * What blocks walking: the map (world-map.ts) as a grid of tile shapes. Water fills its tile; a
 * tree blocks only its trunk, so a player can walk behind the crown (the renderer draws trees and
 * players sorted by their feet). The map's edge is the world bound in movement.ts.
 *
 * The movement step asks "how far can this footprint go along one axis" (limitX / limitY), so a
 * body stops flush against an obstacle and, moving diagonally, keeps sliding along it. All shape
 * edges are whole units, so a body stopped at one is on the wire grid (exact on every copy).
 */
import { TILE, layoutMap, type TileName } from './world-map.js';
import type { WorldRules } from './world-rules.js';

/** The part of a body that collides: its feet, centred on the body position. */
export const FOOT_HALF_WIDTH = 5;
export const FOOT_HALF_HEIGHT = 3;

export const SHAPE_FREE = 0;
export const SHAPE_FULL = 1;
export const SHAPE_TRUNK = 2;
export type Shape = typeof SHAPE_FREE | typeof SHAPE_FULL | typeof SHAPE_TRUNK;

/** Blocked rectangle of each shape inside its tile, [x0, y0, x1, y1) in tile-relative units. */
const SHAPE_RECTS: ReadonlyArray<readonly [number, number, number, number] | null> = [
  null,
  [0, 0, TILE, TILE],
  // The trunk and root flare of the tree art (scripts/art/tiles.ts), a little wider than drawn.
  [12, 21, 20, 29],
];

export interface Terrain {
  readonly cols: number;
  readonly rows: number;
  /** Shape of each tile, row-major; tiles outside the grid are free. */
  readonly cells: Uint8Array;
}

export const OPEN_TERRAIN: Terrain = { cols: 0, rows: 0, cells: new Uint8Array(0) };

export function shapeOfTile(name: TileName): Shape {
  if (name === 'water') return SHAPE_FULL;
  if (name === 'tree') return SHAPE_TRUNK;
  return SHAPE_FREE;
}

export function terrainFromMap(widthUnits: number, heightUnits: number): Terrain {
  const layout = layoutMap(widthUnits, heightUnits);
  const cells = new Uint8Array(layout.cols * layout.rows);
  for (let y = 0; y < layout.rows; y++) {
    for (let x = 0; x < layout.cols; x++) cells[y * layout.cols + x] = shapeOfTile(layout.tileAt(x, y));
  }
  return { cols: layout.cols, rows: layout.rows, cells };
}

/** A terrain from rows of '.' (free), '#' (a full tile, like water) and 'T' (a tree trunk): tests, small custom maps. */
export function terrainFromRows(rows: readonly string[]): Terrain {
  const cols = rows[0]?.length ?? 0;
  const cells = new Uint8Array(cols * rows.length);
  rows.forEach((r, y) => {
    for (let x = 0; x < cols; x++) cells[y * cols + x] = r[x] === '#' ? SHAPE_FULL : r[x] === 'T' ? SHAPE_TRUNK : SHAPE_FREE;
  });
  return { cols, rows: rows.length, cells };
}

const cache = new Map<string, Terrain>();

/** The terrain of the world these rules describe; every copy of the simulation gets the same one. */
export function terrainFor(rules: WorldRules): Terrain {
  const key = `${rules.widthUnits}x${rules.heightUnits}`;
  let t = cache.get(key);
  if (!t) {
    t = terrainFromMap(rules.widthUnits, rules.heightUnits);
    cache.set(key, t);
  }
  return t;
}

function rectOf(t: Terrain, col: number, row: number): readonly [number, number, number, number] | null {
  if (col < 0 || row < 0 || col >= t.cols || row >= t.rows) return null;
  const r = SHAPE_RECTS[t.cells[row * t.cols + col]!];
  if (!r) return null;
  const ox = col * TILE;
  const oy = row * TILE;
  return [ox + r[0], oy + r[1], ox + r[2], oy + r[3]];
}

/**
 * How far a footprint at height `y` may move from `x0` towards `x1` (|x1 - x0| under a tile):
 * x1, or the last position before it would enter an obstacle. Obstacles it already overlaps are
 * ignored, so a body that ended up inside one (a map change) can walk out.
 */
export function limitX(t: Terrain, x0: number, x1: number, y: number): number {
  if (x1 === x0 || t.cols === 0) return x1;
  const forward = x1 > x0;
  const lead0 = forward ? x0 + FOOT_HALF_WIDTH : x0 - FOOT_HALF_WIDTH;
  const lead1 = forward ? x1 + FOOT_HALF_WIDTH : x1 - FOOT_HALF_WIDTH;
  const top = y - FOOT_HALF_HEIGHT;
  const bottom = y + FOOT_HALF_HEIGHT;
  let limit = x1;
  const c0 = Math.floor(Math.min(lead0, lead1) / TILE);
  const c1 = Math.floor(Math.max(lead0, lead1) / TILE);
  for (let row = Math.floor(top / TILE); row <= Math.floor(bottom / TILE); row++) {
    for (let col = c0; col <= c1; col++) {
      const r = rectOf(t, col, row);
      if (!r || r[1] >= bottom || r[3] <= top) continue;
      if (forward && r[0] >= lead0 && r[0] < lead1) limit = Math.min(limit, r[0] - FOOT_HALF_WIDTH);
      if (!forward && r[2] <= lead0 && r[2] > lead1) limit = Math.max(limit, r[2] + FOOT_HALF_WIDTH);
    }
  }
  return limit;
}

/** limitX for the vertical axis: a footprint at `x` moving from `y0` towards `y1`. */
export function limitY(t: Terrain, y0: number, y1: number, x: number): number {
  if (y1 === y0 || t.cols === 0) return y1;
  const forward = y1 > y0;
  const lead0 = forward ? y0 + FOOT_HALF_HEIGHT : y0 - FOOT_HALF_HEIGHT;
  const lead1 = forward ? y1 + FOOT_HALF_HEIGHT : y1 - FOOT_HALF_HEIGHT;
  const left = x - FOOT_HALF_WIDTH;
  const right = x + FOOT_HALF_WIDTH;
  let limit = y1;
  const r0 = Math.floor(Math.min(lead0, lead1) / TILE);
  const r1 = Math.floor(Math.max(lead0, lead1) / TILE);
  for (let row = r0; row <= r1; row++) {
    for (let col = Math.floor(left / TILE); col <= Math.floor(right / TILE); col++) {
      const r = rectOf(t, col, row);
      if (!r || r[0] >= right || r[2] <= left) continue;
      if (forward && r[1] >= lead0 && r[1] < lead1) limit = Math.min(limit, r[1] - FOOT_HALF_HEIGHT);
      if (!forward && r[3] <= lead0 && r[3] > lead1) limit = Math.max(limit, r[3] + FOOT_HALF_HEIGHT);
    }
  }
  return limit;
}

/** True when a footprint centred at (x, y) overlaps no obstacle. */
export function isFree(t: Terrain, x: number, y: number): boolean {
  const left = x - FOOT_HALF_WIDTH;
  const right = x + FOOT_HALF_WIDTH;
  const top = y - FOOT_HALF_HEIGHT;
  const bottom = y + FOOT_HALF_HEIGHT;
  for (let row = Math.floor(top / TILE); row <= Math.floor(bottom / TILE); row++) {
    for (let col = Math.floor(left / TILE); col <= Math.floor(right / TILE); col++) {
      const r = rectOf(t, col, row);
      if (r && r[0] < right && r[2] > left && r[1] < bottom && r[3] > top) return false;
    }
  }
  return true;
}

/**
 * The free spot nearest to (x, y) on a 1-unit grid within the bounds (a saved position inside an
 * obstacle after a map change, a spawn point): searched ring by ring, each ring in a fixed order,
 * so every run picks the same spot. Returns the clamped point itself when it is free.
 */
export function nearestFree(
  t: Terrain,
  x: number,
  y: number,
  bounds: { minX: number; minY: number; maxX: number; maxY: number },
  maxRadius = 8 * TILE,
): { x: number; y: number } {
  const cx = Math.round(Math.min(Math.max(x, bounds.minX), bounds.maxX));
  const cy = Math.round(Math.min(Math.max(y, bounds.minY), bounds.maxY));
  const inside = (px: number, py: number): boolean => px >= bounds.minX && px <= bounds.maxX && py >= bounds.minY && py <= bounds.maxY;
  if (isFree(t, cx, cy)) return { x: cx, y: cy };
  for (let r = 1; r <= maxRadius; r++) {
    let best: { x: number; y: number; d: number } | null = null;
    for (let i = -r; i <= r; i++) {
      for (const [px, py] of [[cx + i, cy - r], [cx + i, cy + r], [cx - r, cy + i], [cx + r, cy + i]] as const) {
        if (!inside(px, py) || !isFree(t, px, py)) continue;
        const d = Math.hypot(px - cx, py - cy);
        if (!best || d < best.d) best = { x: px, y: py, d };
      }
    }
    if (best) return { x: best.x, y: best.y };
  }
  return { x: cx, y: cy };
}
