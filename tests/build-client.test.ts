import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { BudgetError, buildClient } from '../scripts/build-client.js';

const dir = mkdtempSync(join(tmpdir(), 'tether-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the build writes hashed, precompressed files, a page pointing at them, a service worker and a manifest', async () => {
  const { outDir, manifest } = await buildClient({ outDir: join(dir, 'out'), minify: true });
  const page = readFileSync(join(outDir, 'index.html'), 'utf8');
  const js = manifest.joinScreen.paths.find((p) => p.endsWith('.js'));
  const css = manifest.joinScreen.paths.find((p) => p.endsWith('.css'));
  assert.match(js ?? '', /^\/build\/main-[A-Z0-9]{8}\.js$/);
  assert.match(css ?? '', /^\/build\/styles-[A-Z0-9]{8}\.css$/);
  assert.ok(page.includes(`src="${js}"`) && page.includes(`href="${css}"`), page);
  assert.ok(!/<script>|\son[a-z]+=/i.test(page), 'no inline script or handler (CSP script-src self)');
  for (const p of [js!, css!]) {
    assert.ok(manifest.immutable.includes(p), p);
    const raw = readFileSync(join(outDir, p));
    assert.deepEqual(brotliDecompressSync(readFileSync(join(outDir, `${p}.br`))), raw);
    assert.deepEqual(gunzipSync(readFileSync(join(outDir, `${p}.gz`))), raw);
  }
  const images = manifest.joinScreen.paths.filter((p) => p.endsWith('.png'));
  // One image of all six characters and one of the tiles: with the script and the style, four
  // requests after the page, within the six connections a browser opens (no request waits a round trip).
  assert.equal(images.length, 2, 'the characters and the tiles');
  assert.ok(manifest.joinScreen.paths.length <= 1 + 6, `the page and at most six more requests: ${manifest.joinScreen.paths.join(', ')}`);
  for (const p of images) assert.ok(page.includes(`<link rel="preload" as="image" href="${p}">`), p);
  assert.ok(!manifest.immutable.includes('/index.html') && !manifest.immutable.includes('/sw.js'));
  const sw = readFileSync(join(outDir, 'sw.js'), 'utf8');
  for (const p of [js!, css!, ...images, `/index-${manifest.version}.html`]) assert.ok(sw.includes(JSON.stringify(p)), `sw precaches ${p}`);
  assert.equal(readFileSync(join(outDir, `index-${manifest.version}.html`), 'utf8'), page);
  assert.ok(manifest.joinScreen.jsBrotli <= 60 * 1024 && manifest.joinScreen.wireBytes <= 120 * 1024, JSON.stringify(manifest.joinScreen));
  assert.ok(!existsSync(join(outDir, 'styles.css')) && !existsSync(join(outDir, 'assets', 'tiles.png')), 'bundled inputs are not copied unhashed');
});

test('the build fails over budget, names what fills the bundle, and leaves the last good build alone', async () => {
  const outDir = join(dir, 'budget');
  await buildClient({ outDir });
  const before = readFileSync(join(outDir, 'index.html'), 'utf8');
  await assert.rejects(buildClient({ outDir, budget: { jsBrotli: 1000, joinScreenWire: 120 * 1024 } }), (err: unknown) => {
    assert.ok(err instanceof BudgetError);
    assert.match(err.message, /JavaScript is \d+ bytes brotli, budget 1000/);
    assert.match(err.message, /node_modules\/zod/);
    return true;
  });
  assert.equal(readFileSync(join(outDir, 'index.html'), 'utf8'), before);
});
