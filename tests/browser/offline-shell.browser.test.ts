/**
 * The update path (a new deployment takes over at the next load) is not tested here: in Chromium
 * driven beside other browser test files the new version's worker was seen stuck in "activating"
 * for over 60 s, so the test failed one run in three; each version's worker precaching only its
 * own hashed files is checked by tests/build-client.test.ts.
 *
 * Issue 11's offline shell in a real browser: a served page is cached by its service worker; the
 * server stops and the page is reloaded: it draws the world from the cache at once under the
 * "reconnecting" indicator; the server comes back and the page is live as the same player.
 *
 * The same through a chaos-proxy black hole is measured by bench:pageload (blackhole_* figures)
 * rather than tested here: a process that drove Chromium through a black-holed proxy and a reload
 * hangs in Node 20's exit (FreeEnvironment/CleanupHandles spinning, with libuv reporting no
 * handles or requests), which would time the test file out after every test passed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { joinAs, RESULTS_DIR, selfOf, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import type { PageCanvas, PageDocument, PageElement, PageWindow } from '../support/page-globals.js';

// The page's globals, as the callbacks run inside Chromium use them (see tests/support/page-globals.ts).
declare const window: PageWindow;
declare const document: PageDocument & { readonly documentElement: { readonly outerHTML: string } };
declare const sessionStorage: { getItem(key: string): string | null };
declare const navigator: { readonly serviceWorker: { readonly ready: Promise<unknown>; getRegistration(): Promise<{ update(): Promise<unknown>; readonly installing: { state: string } | null; readonly waiting: { state: string } | null; readonly active: { state: string } | null } | undefined> } };
declare const caches: { keys(): Promise<string[]>; open(name: string): Promise<{ keys(): Promise<Array<{ readonly url: string }>> }> };
declare function requestAnimationFrame(cb: () => void): number;

let fx: BrowserFixture;

before(async () => {
  fx = await startBrowserFixture();
});
after(async () => {
  await fx?.close();
});

/** The service worker controls the page and its cache holds this version's files. */
async function cached(page: Page): Promise<string[]> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await cachesBecome(page, null);
  return page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('tether-'))!);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

/**
 * Waits until this version's cache is there and its worker activated (or, for null, any version's
 * cache). Old versions' caches are removed in the background, so they are not waited for. Polled
 * from here: the Cache API is async, and waitForFunction does not await a predicate's promise.
 */
async function cachesBecome(page: Page, version: string | null, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const keys = await page.evaluate(() => caches.keys());
    if (version === null ? keys.some((k) => k.startsWith('tether-')) : keys.includes(`tether-${version}`) && (await activeWorkerState(page)) === 'activated') return;
    // The page asks for an update check once live, the browser on navigations; asking again
    // here keeps the test from depending on when either one ran on a busy machine.
    if (version !== null) await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()).catch(() => undefined));
    if (Date.now() > until) {
      const workers = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        return { installing: r?.installing?.state, waiting: r?.waiting?.state, active: r?.active?.state };
      });
      throw new Error(`caches are ${JSON.stringify(keys)}, waited for ${version ?? 'any version'}; workers ${JSON.stringify(workers)}`);
    }
    await page.waitForTimeout(100);
  }
}

function activeWorkerState(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state);
}

/** Distinct colours in the middle of the canvas: a drawn world has many, a blank page one. */
function coloursAtCentre(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector('#game') as PageCanvas;
    const ctx = canvas.getContext('2d')!;
    const w = 160;
    const data = ctx.getImageData(Math.floor(canvas.width / 2 - w / 2), Math.floor(canvas.height / 2 - w / 2), w, w).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return seen.size;
  });
}

const restoredAndReconnecting = (page: Page): Promise<unknown> =>
  page.waitForFunction(
    () => window.__tether?.restored === true && window.__tether.inGame && document.querySelector('#net-indicator')?.dataset['state'] === 'reconnecting',
    undefined,
    { timeout: 3000 },
  );

const liveAgain = (page: Page): Promise<unknown> =>
  page.waitForFunction(() => window.__tether?.client?.status.kind === 'live' && window.__tether.restored === false, undefined, { timeout: 20_000 });

test('a reload while the server is down draws from the cache; the restarted server takes the same player back', async () => {
  const player = await fx.newPlayer();
  const me = await joinAs(player, '离线·Down', 2);
  const files = await cached(player.page);
  assert.ok(files.some((p) => /^\/build\/main-[A-Z0-9]+\.js$/.test(p)) && files.some((p) => /^\/index-.+\.html$/.test(p)), files.join(' '));
  await player.page.waitForFunction(() => sessionStorage.getItem('tether.world.v1') !== null);
  const port = fx.server.server.port;
  await fx.server.server.stop(500);

  await player.page.reload({ waitUntil: 'load', timeout: 5000 });
  await restoredAndReconnecting(player.page);
  assert.ok(await player.page.locator('#join-form').isHidden(), 'the world, not the join screen');
  assert.ok((await coloursAtCentre(player.page)) > 20, 'the map and the character are drawn');
  const pictured = await player.page.evaluate(() => (JSON.parse(sessionStorage.getItem('tether.world.v1')!) as { sprites: Array<{ id: number; self: boolean }> }).sprites.find((s) => s.self));
  assert.equal(pictured?.id, me.id, 'the picture shows this player');
  await player.page.screenshot({ path: join(RESULTS_DIR, 'offline-server-down-reload.png') });

  await fx.server.restart({ port });
  await player.page.evaluate(() => window.__tether!.client!.retryNow());
  await liveAgain(player.page);
  assert.deepEqual(await selfOf(player.page), me);
  await player.context.close();
});
