/**
 * Builds the browser client into a folder the server serves as is (default dist/public):
 *
 * - build/main-HASH.js (+ .map) and build/main-HASH.css from src/client/browser/main.ts and
 *   public/styles.css, art as assets/NAME-HASH.png (esbuild's file loader): content-hashed names,
 *   so they can be cached forever (`immutable`).
 * - index.html from the template public/index.html with the hashed references and preload hints,
 *   and the same page as index-HASH.html for the service worker's cache.
 * - sw.js (src/client/browser/service-worker.ts) with this version's file list.
 * - .br and .gz next to every text file, made here once instead of per request.
 * - .tether-build.json: version, hashed files, sizes; the static server reads it.
 *
 * The byte budget of the first load is checked from esbuild's metafile and the compressed sizes;
 * the build fails when over. `npm run build` minifies; the browser tests import `buildClient` with
 * minify off (readable stack traces) and still get hashed, compressed output served the same way.
 */
import { build, type Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_NAME } from '../src/server/net/static-files.js';
import { pngOptimizer } from './png-optimize.js';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const templateDir = join(root, 'public');

export const DEFAULT_OUT_DIR = join(root, 'dist', 'public');

/** Bytes on the wire for the first load; HTTP/1.1 response headers are counted per file. */
export interface Budget {
  readonly jsBrotli: number;
  readonly joinScreenWire: number;
}
export const DEFAULT_BUDGET: Budget = { jsBrotli: 60 * 1024, joinScreenWire: 120 * 1024 };
/** About what the static server's response headers weigh (status line, type, length, cache, etag, vary). */
const HEADER_BYTES = 300;

export interface BuildOptions {
  /** Minify for production; tests keep it readable so stack traces make sense. */
  readonly minify?: boolean;
  readonly outDir?: string;
  readonly budget?: Budget;
  /** Written into the bundle as a comment: another tag is another version (tests of the update path). */
  readonly tag?: string;
}

export interface BuiltFile {
  readonly bytes: number;
  readonly br?: number;
  readonly gz?: number;
}

export interface BuildManifest {
  readonly version: string;
  /** Site paths (leading /) whose names carry their content hash. */
  readonly immutable: readonly string[];
  readonly files: Readonly<Record<string, BuiltFile>>;
  /** What the join screen loads, with its bytes on the wire (brotli where it helps). */
  readonly joinScreen: { readonly paths: readonly string[]; readonly wireBytes: number; readonly jsBrotli: number };
}

export interface BuildResult {
  readonly outDir: string;
  readonly manifest: BuildManifest;
}

export class BudgetError extends Error {}

// Source maps are left out: players never get them (the server refuses *.map unless asked) and
// brotli at quality 11 on a megabyte of map is most of the build's time.
const COMPRESSIBLE = /\.(js|css|html|json|svg|txt|ico)$/;

export async function buildClient(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const budget = options.budget ?? DEFAULT_BUDGET;
  // Built beside the target and swapped in at the end: a server serving outDir never sees half a build.
  const staging = `${outDir}.staging-${process.pid}-${Date.now()}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const app = await build({
      entryPoints: [join(root, 'src', 'client', 'browser', 'main.ts'), join(templateDir, 'styles.css')],
      bundle: true,
      format: 'esm',
      target: 'es2020',
      platform: 'browser',
      sourcemap: 'linked',
      minify: options.minify ?? false,
      outdir: staging,
      entryNames: 'build/[name]-[hash]',
      assetNames: 'assets/[name]-[hash]',
      loader: { '.png': 'file' },
      plugins: [pngOptimizer()],
      // Image URLs from the site root, whatever page or script asks for them.
      publicPath: '/',
      metafile: true,
      logLevel: 'warning',
      legalComments: 'none',
      ...(options.tag ? { banner: { js: `/* ${options.tag.replace(/\*\//g, '')} */` } } : {}),
    });
    const outputs = siteOutputs(app.metafile, staging);
    const js = outputs.find((o) => o.entry?.endsWith('main.ts') && o.path.endsWith('.js'));
    const css = outputs.find((o) => o.path.endsWith('.css'));
    if (!js || !css) throw new Error('build: esbuild produced no main script or style sheet');
    const images = outputs.filter((o) => o.path.endsWith('.png'));

    const template = readFileSync(join(templateDir, 'index.html'), 'utf8');
    const page = writePage(template, { js: js.path, css: css.path, preload: images.map((i) => i.path) });
    const version = createHash('sha256').update(page).digest('base64url').slice(0, 12);
    const hashedPage = `/index-${version}.html`;
    writeFileSync(join(staging, 'index.html'), page);
    writeFileSync(join(staging, hashedPage), page);

    const immutable = [...outputs.filter((o) => !o.path.endsWith('.map')).map((o) => o.path), hashedPage];
    await buildServiceWorker(staging, { precache: [hashedPage, js.path, css.path, ...images.map((i) => i.path)], page: hashedPage, version, minify: options.minify ?? false });
    copyOtherPublicFiles(staging, new Set(Object.keys(app.metafile.inputs).map((p) => resolve(root, p))));

    const files = compressAll(staging);
    const joinPaths = ['/index.html', js.path, css.path, ...images.map((i) => i.path)];
    const wire = (p: string): number => {
      const f = files[p];
      if (!f) throw new Error(`build: ${p} missing from the output`);
      return Math.min(f.bytes, f.br ?? Infinity) + HEADER_BYTES;
    };
    const jsBrotli = files[js.path]?.br ?? files[js.path]?.bytes ?? 0;
    const wireBytes = joinPaths.reduce((sum, p) => sum + wire(p), 0);
    const manifest: BuildManifest = { version, immutable, files, joinScreen: { paths: joinPaths, wireBytes, jsBrotli } };
    writeFileSync(join(staging, MANIFEST_NAME), JSON.stringify(manifest, null, 2));

    const over: string[] = [];
    if (jsBrotli > budget.jsBrotli) over.push(`JavaScript is ${jsBrotli} bytes brotli, budget ${budget.jsBrotli}`);
    if (wireBytes > budget.joinScreenWire) over.push(`the join screen needs ${wireBytes} bytes on the wire, budget ${budget.joinScreenWire}`);
    if (over.length > 0) throw new BudgetError(`build over budget: ${over.join('; ')}\n${sizeReport(app.metafile)}`);

    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(dirname(outDir), { recursive: true });
    renameSync(staging, outDir);
    return { outDir, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

interface SiteOutput {
  /** Site path with a leading slash. */
  readonly path: string;
  readonly entry: string | undefined;
}

function siteOutputs(meta: Metafile, outDir: string): SiteOutput[] {
  return Object.entries(meta.outputs).map(([file, out]) => ({ path: sitePath(outDir, resolve(root, file)), entry: out.entryPoint }));
}

function sitePath(outDir: string, file: string): string {
  return `/${relative(outDir, file).split(sep).join('/')}`;
}

/** The template with its script and style pointed at the hashed files; fails if they moved. */
function writePage(template: string, refs: { js: string; css: string; preload: readonly string[] }): string {
  const replace = (html: string, pattern: RegExp, value: string, what: string): string => {
    if (!pattern.test(html)) throw new Error(`build: public/index.html has no ${what} to point at the build`);
    return html.replace(pattern, value);
  };
  let html = replace(template, /href="\/?styles\.css"/, `href="${refs.css}"`, 'styles.css link');
  html = replace(html, /src="\/?build\/main\.js"/, `src="${refs.js}"`, 'build/main.js script');
  // The art is fetched while the script downloads instead of one round trip after it runs.
  const hints = refs.preload.map((p) => `  <link rel="preload" as="image" href="${p}">\n`).join('');
  return replace(html, /<\/head>/, `${hints}</head>`, '</head>');
}

async function buildServiceWorker(outDir: string, sw: { precache: readonly string[]; page: string; version: string; minify: boolean }): Promise<void> {
  await build({
    entryPoints: [join(root, 'src', 'client', 'browser', 'service-worker.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    minify: sw.minify,
    outfile: join(outDir, 'sw.js'),
    define: { __PRECACHE__: JSON.stringify(sw.precache), __PAGE__: JSON.stringify(sw.page), __VERSION__: JSON.stringify(sw.version) },
    logLevel: 'warning',
    legalComments: 'none',
  });
}

/** Anything else another part put in public/ (icons, ...) is served unhashed, with a validator. */
function copyOtherPublicFiles(outDir: string, bundledInputs: ReadonlySet<string>): void {
  const skip = new Set([join(templateDir, 'index.html'), join(templateDir, 'styles.css')]);
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const src = join(dir, name);
      if (src === join(templateDir, 'build')) continue; // an old in-place build
      if (statSync(src).isDirectory()) walk(src);
      else if (!skip.has(src) && !bundledInputs.has(src)) {
        const dest = join(outDir, relative(templateDir, src));
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(src, dest);
      }
    }
  };
  walk(templateDir);
}

function compressAll(outDir: string): Record<string, BuiltFile> {
  const files: Record<string, BuiltFile> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) {
        walk(file);
        continue;
      }
      const data = readFileSync(file);
      const entry: { bytes: number; br?: number; gz?: number } = { bytes: data.length };
      if (COMPRESSIBLE.test(name)) {
        const br = brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } });
        const gz = gzipSync(data, { level: 9 });
        // A variant that saves nothing is not written: the server then sends the file itself.
        if (br.length < data.length) {
          writeFileSync(`${file}.br`, br);
          entry.br = br.length;
        }
        if (gz.length < data.length) {
          writeFileSync(`${file}.gz`, gz);
          entry.gz = gz.length;
        }
      }
      files[sitePath(outDir, file)] = entry;
    }
  };
  walk(outDir);
  return files;
}

/** What fills the bundle, largest first: printed when the budget fails. */
export function sizeReport(meta: Metafile): string {
  const lines: string[] = [];
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (!file.endsWith('.js')) continue;
    lines.push(`${file}: ${out.bytes} bytes`);
    const byModule = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      const key = input.includes('node_modules/') ? input.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, 'node_modules/$1') : input;
      byModule.set(key, (byModule.get(key) ?? 0) + bytesInOutput);
    }
    for (const [k, v] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${String(v).padStart(8)}  ${k}`);
  }
  return lines.join('\n');
}
