/**
 * Bundles the browser client (src/client/browser/main.ts) into public/build/main.js with esbuild.
 * `npm run build` runs this file; the browser tests import `buildClient` so they always test the
 * current source, not a stale bundle.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildOptions {
  /** Minify for production; tests keep it readable so stack traces make sense. */
  readonly minify?: boolean;
}

export async function buildClient(options: BuildOptions = {}): Promise<string> {
  const outfile = join(root, 'public', 'build', 'main.js');
  await build({
    entryPoints: [join(root, 'src', 'client', 'browser', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    sourcemap: true,
    minify: options.minify ?? false,
    outfile,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildClient({ minify: process.argv.includes('--minify') });
  console.log(`built ${out}`);
}
