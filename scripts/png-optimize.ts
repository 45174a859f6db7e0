/**
 * Lossless PNG recompression for the client build: the generated art is pixel art with a few
 * dozen colours, stored as 32-bit RGBA; as an indexed PNG (upng-js picks the smallest encoding)
 * the seven sheets go from ~57 KB to ~10 KB, which on `3g`/`edge` is most of the join screen's
 * bytes. The result is decoded again and compared pixel for pixel; anything not identical (or
 * not smaller) keeps the original.
 */
import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import UPNG from 'upng-js';

export function optimizePng(original: Buffer): Buffer {
  const img = PNG.sync.read(original);
  const rgba = new Uint8Array(img.data).buffer;
  const packed = Buffer.from(UPNG.encode([rgba], img.width, img.height, 0));
  if (packed.length >= original.length) return original;
  const back = PNG.sync.read(packed);
  return back.width === img.width && back.height === img.height && back.data.equals(img.data) ? packed : original;
}

/** esbuild plugin: imported .png files are optimized, then hashed and emitted by the file loader. */
export function pngOptimizer(): Plugin {
  return {
    name: 'png-optimize',
    setup(build) {
      build.onLoad({ filter: /\.png$/ }, async (args) => ({ contents: optimizePng(await readFile(args.path)), loader: 'file' }));
    },
  };
}
