// Generates every PNG the game uses (`npm run art`). All art is drawn in code
// from the data in scripts/art/, with a fixed-seed PRNG, so the output is
// byte-identical on every run and the PNGs can be committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Canvas } from './art/canvas.js';
import { drawCharacterSheet } from './art/characters.js';
import { CHARACTERS } from './art/palettes.js';
import { TILE, drawTiles } from './art/tiles.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'public', 'assets');

function write(path: string, data: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  console.log(`wrote ${path.slice(root.length + 1)}`);
}

// All six character sheets in one image, one below the other (character i's sheet starts at
// row i * sheet height): one request instead of six on the first load (src/client/browser/assets.ts).
const sheets = CHARACTERS.map((spec) => drawCharacterSheet(spec));
const atlas = new Canvas(sheets[0]!.w, sheets.reduce((h, s) => h + s.h, 0));
sheets.forEach((sheet, i) => atlas.blit(sheet, 0, i * sheet.h));
write(join(assets, 'characters.png'), atlas.toPng());

const { sheet, index } = drawTiles();
write(join(assets, 'tiles.png'), sheet.toPng());
write(join(assets, 'tiles.json'), JSON.stringify({ tileSize: TILE, tiles: index }, null, 2) + '\n');
