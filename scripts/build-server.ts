/**
 * Bundles the server (src/server/main.ts) into dist/server/main.js, so `npm start` runs plain
 * JavaScript: no TypeScript loader at run time (it cost ~28 MB of idle RSS and over a second of
 * start-up, and start-up is downtime in a restart).
 *
 * better-sqlite3 stays external (a native addon, loaded from node_modules); ws's optional native
 * helpers too. The state writer's helper thread is eval'd source (state-writer.ts), so it needs no
 * file. Files the server reads next to its module are copied beside the bundle: the status page
 * (html, script, style) and the cluster's Redis scripts (lua/).
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
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
  for (const f of ['status-page.html', 'status-page.js', 'status-page.css']) copyFileSync(join(root, 'src', 'server', 'net', f), join(outDir, f));
  const lua = join(root, 'src', 'server', 'cluster', 'lua');
  for (const sub of ['', 'includes']) {
    mkdirSync(join(outDir, 'lua', sub), { recursive: true });
    for (const f of readdirSync(join(lua, sub))) if (f.endsWith('.lua')) copyFileSync(join(lua, sub, f), join(outDir, 'lua', sub, f));
  }
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildServer();
  console.log(`built ${relative(process.cwd(), out)}`);
}
