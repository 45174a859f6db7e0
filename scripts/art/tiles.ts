// Map tiles: one row of 32x32 tiles. Ground textures draw with wrap-around
// (pxWrap / wrapping ellipses), so any detail that crosses an edge continues on
// the opposite side and tiles join without seams.
import { Canvas, type Color, light, mix, shade } from './canvas.js';
import { mulberry32, randInt, type Random } from './rng.js';

export const TILE = 32;

const GRASS: Color = 0x5fa346;
const LEAF_OUTLINE: Color = 0x1d3a26;

/** Sprinkle single-pixel noise: keeps large fills from looking flat without
 *  adding shapes the eye would notice repeating across the map. */
function speckle(c: Canvas, rnd: Random, base: Color, amount: number, spread = 0.12): void {
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const r = rnd();
      if (r < amount / 2) c.px(x, y, shade(base, spread));
      else if (r < amount) c.px(x, y, light(base, spread));
    }
  }
}

function fill(c: Canvas, color: Color): void {
  c.rect(0, 0, TILE, TILE, color);
}

/** Grass with small three-blade tufts; `tufts` sets the density. */
function grass(c: Canvas, rnd: Random, tufts: number, clover = 0): void {
  fill(c, GRASS);
  speckle(c, rnd, GRASS, 0.18, 0.1);
  const dark = shade(GRASS, 0.25);
  const tip = light(GRASS, 0.25);
  for (let i = 0; i < tufts; i++) {
    const x = randInt(rnd, 0, TILE - 1);
    const y = randInt(rnd, 0, TILE - 1);
    c.pxWrap(x, y + 1, dark);
    c.pxWrap(x + 1, y, dark);
    c.pxWrap(x + 1, y + 1, dark);
    c.pxWrap(x + 2, y + 1, dark);
    c.pxWrap(x + 1, y - 1, tip);
  }
  for (let i = 0; i < clover; i++) {
    const x = randInt(rnd, 0, TILE - 1);
    const y = randInt(rnd, 0, TILE - 1);
    const leaf = light(GRASS, 0.18);
    c.pxWrap(x, y, leaf);
    c.pxWrap(x + 1, y, leaf);
    c.pxWrap(x, y + 1, leaf);
    c.pxWrap(x + 1, y + 1, shade(GRASS, 0.15));
  }
}

function flowers(c: Canvas, rnd: Random): void {
  grass(c, rnd, 5);
  const petals: Color[] = [0xfdf6f0, 0xf7d54a, 0xf49ac1, 0xfdf6f0, 0xb9a6f2];
  for (const [i, color] of petals.entries()) {
    // Spread flowers over a 3x2 grid with jitter so they never clump.
    const x = (i % 3) * 11 + randInt(rnd, 1, 7);
    const y = Math.floor(i / 3) * 16 + randInt(rnd, 2, 11);
    c.pxWrap(x + 1, y + 3, shade(GRASS, 0.3)); // stem
    c.pxWrap(x, y + 1, color);
    c.pxWrap(x + 2, y + 1, color);
    c.pxWrap(x + 1, y, color);
    c.pxWrap(x + 1, y + 2, shade(color, 0.2));
    c.pxWrap(x + 1, y + 1, color === 0xf7d54a ? 0xc0662f : 0xf2b632); // centre
  }
}

function dirt(c: Canvas, rnd: Random): void {
  const base = 0xb08456;
  fill(c, base);
  speckle(c, rnd, base, 0.3, 0.12);
  for (let i = 0; i < 7; i++) {
    const x = randInt(rnd, 0, TILE - 1);
    const y = randInt(rnd, 0, TILE - 1);
    c.pxWrap(x, y, 0xcbb397);
    c.pxWrap(x + 1, y, 0xcbb397);
    c.pxWrap(x, y + 1, shade(base, 0.35));
    c.pxWrap(x + 1, y + 1, shade(base, 0.35));
  }
}

function water(c: Canvas, rnd: Random): void {
  const base = 0x3f86c8;
  fill(c, base);
  // Gentle horizontal banding suggests depth without breaking tiling.
  for (let y = 0; y < TILE; y++) {
    if (Math.sin((y / TILE) * Math.PI * 4) > 0.6) c.hline(0, TILE - 1, y, mix(base, 0x5aa0dc, 0.4));
  }
  speckle(c, rnd, base, 0.06, 0.08);
  // Wave crests: a light stroke with a darker trough under it.
  for (let i = 0; i < 6; i++) {
    const x = (i % 2) * 16 + randInt(rnd, 0, 10);
    const y = Math.floor(i / 2) * 11 + randInt(rnd, 1, 6);
    const len = randInt(rnd, 3, 6);
    for (let k = 0; k < len; k++) {
      c.pxWrap(x + k, y, 0xa9dcf7);
      c.pxWrap(x + k + 1, y + 1, shade(base, 0.2));
    }
    c.pxWrap(x - 1, y + 1, 0xa9dcf7);
  }
}

function stone(c: Canvas, rnd: Random): void {
  const mortar = 0x6e6870;
  fill(c, mortar);
  // Two courses of flagstones, the lower offset by half a stone. Mortar sits
  // only on the top/left side of each stone so neighbours share one line.
  for (const [row, offset] of [[0, 0], [16, 8]] as const) {
    for (let sx = offset - 16; sx < TILE; sx += 16) {
      const base = mix(0xaaa3a0, 0xb9b0a0, rnd());
      for (let y = row + 1; y < row + 16; y++) {
        for (let x = sx + 1; x < sx + 16; x++) {
          const edgeHi = y === row + 1 || x === sx + 1;
          const edgeLo = y === row + 15 || x === sx + 15;
          const col = edgeHi ? light(base, 0.25) : edgeLo ? shade(base, 0.25) : base;
          c.pxWrap(x, y, rnd() < 0.1 && !edgeHi && !edgeLo ? shade(base, 0.08) : col);
        }
      }
    }
  }
}

function sand(c: Canvas, rnd: Random): void {
  const base = 0xe6d29b;
  fill(c, base);
  speckle(c, rnd, base, 0.22, 0.1);
  for (let i = 0; i < 4; i++) {
    // Wind ripples: faint lighter dashes.
    const x = randInt(rnd, 0, TILE - 1);
    const y = i * 8 + randInt(rnd, 0, 5);
    c.pxWrap(x, y, light(base, 0.35));
    c.pxWrap(x + 1, y, light(base, 0.35));
    c.pxWrap(x + 2, y + 1, light(base, 0.35));
    c.pxWrap(x + 1, y + 1, shade(base, 0.15));
  }
}

/** Draw leaf clumps on their own layer, outline it, then stamp onto grass. */
function foliage(c: Canvas, rnd: Random, blobs: [number, number, number, number][], trunk: boolean): void {
  c.blit(foliageOnGrass(c, rnd, blobs, trunk), 0, 0);
}

/** Paints grass (and the ground shadow) onto `c`; returns the plant alone, transparent around it. */
function foliageOnGrass(c: Canvas, rnd: Random, blobs: [number, number, number, number][], trunk: boolean): Canvas {
  grass(c, rnd, 3);
  const layer = new Canvas(TILE, TILE);
  const leaf = 0x3f8a3c;
  if (trunk) {
    c.ellipse(7, 25, 25, 30, shade(GRASS, 0.3)); // ground shadow
    layer.rect(13, 20, 6, 9, 0x7a4e2d);
    layer.rect(17, 20, 2, 9, 0x5c3a24);
    layer.hline(12, 19, 28, 0x7a4e2d); // root flare
  } else {
    c.ellipse(4, 22, 27, 30, shade(GRASS, 0.3));
  }
  for (const [x0, y0, x1, y1] of blobs) layer.ellipse(x0, y0, x1, y1, leaf);
  // Light from the top-left: bright cap on each clump, dark underside.
  for (const [x0, y0, x1, y1] of blobs) {
    layer.ellipse(x0 + 2, y0 + 1, x1 - 3, y0 + (y1 - y0) / 2, light(leaf, 0.18));
    layer.hline(x0 + 3, x0 + 4, y0 + 2, light(leaf, 0.5));
  }
  for (let i = 0; i < 40; i++) {
    const x = randInt(rnd, 0, TILE - 1);
    const y = randInt(rnd, 0, TILE - 1);
    if (layer.get(x, y) === leaf) layer.px(x, y, shade(leaf, 0.25));
  }
  if (trunk) layer.rect(13, 20, 6, 2, shade(leaf, 0.35)); // canopy shadow on trunk
  layer.outline(LEAF_OUTLINE);
  return layer;
}

const bush = (c: Canvas, rnd: Random): void =>
  foliage(c, rnd, [[3, 12, 16, 27], [15, 12, 28, 27], [7, 5, 24, 23], [8, 15, 23, 29]], false);
const TREE_BLOBS: [number, number, number, number][] = [[2, 7, 17, 22], [14, 7, 29, 22], [6, 1, 25, 17], [7, 12, 24, 23]];
const TREE_INDEX = 8;
const tree = (c: Canvas, rnd: Random): void => foliage(c, rnd, TREE_BLOBS, true);
/**
 * The tree alone on transparency, pixel for pixel the one in the `tree` tile (same seed stream):
 * the renderer draws it over players standing behind the trunk.
 */
const treeSprite = (c: Canvas): void => {
  c.blit(foliageOnGrass(new Canvas(TILE, TILE), mulberry32(0x7e7e0000 + TREE_INDEX), TREE_BLOBS, true), 0, 0);
};

/** Tile order is the index in tiles.png; only append, never reorder. */
const TILES: [string, (c: Canvas, rnd: Random) => void][] = [
  ['grass0', (c, r) => grass(c, r, 6)],
  ['grass1', (c, r) => grass(c, r, 14)],
  ['grass2', (c, r) => grass(c, r, 4, 6)],
  ['flowers', flowers],
  ['dirt', dirt],
  ['water', water],
  ['stone', stone],
  ['bush', bush],
  ['tree', tree],
  ['sand', sand],
  ['tree_sprite', treeSprite],
];

export function drawTiles(): { sheet: Canvas; index: Record<string, number> } {
  const sheet = new Canvas(TILE * TILES.length, TILE);
  const index: Record<string, number> = {};
  TILES.forEach(([name, draw], i) => {
    const tile = new Canvas(TILE, TILE);
    // One seeded stream per tile: editing one tile never reshuffles another.
    draw(tile, mulberry32(0x7e7e0000 + i));
    sheet.blit(tile, i * TILE, 0);
    index[name] = i;
  });
  return { sheet, index };
}
