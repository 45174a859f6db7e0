/**
 * Bundles the server (src/server/main.ts) into dist/server/main.js, so `npm start` runs plain
 * JavaScript: no TypeScript loader at run time (it cost ~28 MB of idle RSS and over a second of
 * start-up, and start-up is downtime in a restart).
 *
 * better-sqlite3 stays external (a native addon, loaded from node_modules); ws's optional native
 * helpers too. The state writer's helper thread is eval'd source (state-writer.ts), so it needs no
 * file; the status page is read next to the module, so it is copied beside the bundle.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_OUT_DIR = join(root, 'dist', 'server');

export async function buildServer(outDir = SERVER_OUT_DIR): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'main.js');
  await build({
    entryPoints: [join(root, 'src', 'server', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile,
    sourcemap: 'linked',
    external: ['better-sqlite3', 'bufferutil', 'utf-8-validate'],
    // Bundled CommonJS packages (ws, prom-client) call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __tetherRequire } from 'node:module'; const require = __tetherRequire(import.meta.url);" },
    logLevel: 'warning',
    legalComments: 'none',
  });
  copyFileSync(join(root, 'src', 'server', 'net', 'status-page.html'), join(outDir, 'status-page.html'));
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildServer();
  console.log(`built ${relative(process.cwd(), out)}`);
}
