// Generates every PNG the game uses (`npm run art`). All art is drawn in code
// from the data in scripts/art/, with a fixed-seed PRNG, so the output is
// byte-identical on every run and the PNGs can be committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

CHARACTERS.forEach((spec, i) => {
  write(join(assets, 'characters', `char-${i}.png`), drawCharacterSheet(spec).toPng());
});

const { sheet, index } = drawTiles();
write(join(assets, 'tiles.png'), sheet.toPng());
write(join(assets, 'tiles.json'), JSON.stringify({ tileSize: TILE, tiles: index }, null, 2) + '\n');
