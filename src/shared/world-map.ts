/**
 * The map under the players: a deterministic layout computed from a seeded hash of tile
 * coordinates and the world size, so the server and every client derive the same world without
 * any map data on the wire. A stone plaza at the centre (where players spawn), two meandering dirt
 * paths crossing it, a pond ringed with sand, a tree line along the edges, copses and scattered
 * bushes and flowers on grass. The browser draws it (client/browser/world-map.ts); terrain.ts
 * turns it into what blocks walking, for the shared movement step.
 */

/** Tiles are square, this many world units (= art pixels) a side. */
export const TILE = 32;

export type TileName = 'grass0' | 'grass1' | 'grass2' | 'flowers' | 'dirt' | 'water' | 'stone' | 'bush' | 'tree' | 'sand';

const SEED = 0x7e7e;

/** A small integer hash (xorshift-multiply) of a tile coordinate, in [0, 1). */
export function hash01(x: number, y: number, salt = 0): number {
  let h = (Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ Math.imul(salt + SEED, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise over a coarse grid, for clumpy features (copses) rather than salt-and-pepper. */
function valueNoise(x: number, y: number, cell: number, salt: number): number {
  const gx = Math.floor(x / cell);
  const gy = Math.floor(y / cell);
  const fx = x / cell - gx;
  const fy = y / cell - gy;
  const s = (t: number): number => t * t * (3 - 2 * t);
  const a = hash01(gx, gy, salt);
  const b = hash01(gx + 1, gy, salt);
  const c = hash01(gx, gy + 1, salt);
  const d = hash01(gx + 1, gy + 1, salt);
  const top = a + (b - a) * s(fx);
  const bottom = c + (d - c) * s(fx);
  return top + (bottom - top) * s(fy);
}

export interface MapLayout {
  readonly cols: number;
  readonly rows: number;
  tileAt(x: number, y: number): TileName;
}

export function layoutMap(widthUnits: number, heightUnits: number): MapLayout {
  const cols = Math.ceil(widthUnits / TILE);
  const rows = Math.ceil(heightUnits / TILE);
  const cx = Math.floor(cols / 2);
  const cy = Math.floor(rows / 2);
  // The pond sits up and to the right of the plaza, kept inside the map on small worlds.
  const pondX = Math.min(cols - 6, cx + Math.max(5, Math.floor(cols / 4)));
  const pondY = Math.max(5, cy - Math.max(4, Math.floor(rows / 5)));
  const tiles: TileName[] = new Array<TileName>(cols * rows);

  // Paths wander one tile at a time (a hash-driven random walk kept near the centre line), so
  // they read as trodden trails rather than a staircase.
  const wander = (length: number, centre: number, salt: number): number[] => {
    const out: number[] = [];
    let at = centre;
    for (let i = 0; i < length; i++) {
      const r = hash01(i, salt, 3);
      if (i % 3 === 0 && r < 0.3 && at > centre - 3) at--;
      else if (i % 3 === 0 && r > 0.7 && at < centre + 2) at++;
      out.push(at);
    }
    return out;
  };
  const rowsOfPath = wander(cols, cy, 17);
  const colsOfPath = wander(rows, cx, 29);
  const pathRow = (x: number): number => rowsOfPath[x] ?? cy;
  const pathCol = (y: number): number => colsOfPath[y] ?? cx;
  const onPath = (x: number, y: number): boolean => {
    const r = pathRow(x);
    const c = pathCol(y);
    return y === r || y === r + 1 || x === c || x === c + 1;
  };
  const pondDist = (x: number, y: number): number => Math.hypot((x - pondX) / 3.6, (y - pondY) / 2.6);

  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      tiles[y * cols + x] = pick(x, y);
    }
  }

  function pick(x: number, y: number): TileName {
    const r = hash01(x, y, 1);
    const plaza = Math.abs(x - cx) <= 2 && Math.abs(y - cy) <= 2;
    if (plaza) return Math.abs(x - cx) === 2 && Math.abs(y - cy) === 2 ? 'flowers' : 'stone';
    const pd = pondDist(x, y);
    if (pd < 1) return 'water';
    if (pd < 1.35) return 'sand';
    if (onPath(x, y)) return 'dirt';
    const edge = x === 0 || y === 0 || x === cols - 1 || y === rows - 1;
    if (edge) return r < 0.8 ? 'tree' : 'bush';
    const nearCentre = Math.abs(x - cx) <= 4 && Math.abs(y - cy) <= 4;
    const nearFeature = pd < 1.8 || onPath(x - 1, y) || onPath(x + 1, y) || onPath(x, y - 1) || onPath(x, y + 1);
    if (!nearCentre && !nearFeature) {
      const copse = valueNoise(x, y, 5, 7);
      if (copse > 0.72 && r < 0.75) return 'tree';
      if (copse > 0.62 && r < 0.25) return 'bush';
      if (r < 0.018) return 'bush';
      if (r < 0.03) return 'tree';
    }
    const meadow = valueNoise(x, y, 4, 11);
    if (r > (meadow > 0.6 ? 0.8 : 0.95)) return 'flowers';
    const g = hash01(x, y, 2);
    return g < 0.55 ? 'grass0' : g < 0.82 ? 'grass1' : 'grass2';
  }

  return {
    cols,
    rows,
    tileAt(x, y) {
      return tiles[y * cols + x] ?? 'grass0';
    },
  };
}
