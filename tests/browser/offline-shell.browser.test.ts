/**
 * Issue 11's offline shell in a real browser: a served page is cached by its service worker; the
 * network black-holes (through the chaos proxy) and the page is reloaded: it draws the world from
 * the cache at once under the "reconnecting" indicator; the network comes back and it is live as
 * the same player. Then the same with the server stopped (connections refused) and restarted.
 * And the update path: a new deployment takes over at the next load, never mixed with the old.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { joinAs, RESULTS_DIR, selfOf, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { startChaosProxy, type ChaosProxy } from '../../src/netsim/chaos-proxy.js';

let fx: BrowserFixture;
let proxy: ChaosProxy;

before(async () => {
  fx = await startBrowserFixture({ parallelSendMin: 0 });
  proxy = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: fx.server.server.port, profile: 'mobile', seed: 11, log: () => {} });
});
after(async () => {
  console.error('after: proxy');
  await proxy?.close();
  console.error('after: fx');
  await fx?.close();
  console.error('after: done');
});

/** The service worker controls the page and its cache holds this version's files. */
async function cached(page: Page): Promise<string[]> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async () => {
    const keys = await caches.keys();
    return keys.some((k) => k.startsWith('tether-'));
  });
  return page.evaluate(async () => {
    const keys = await caches.keys();
    const cache = await caches.open(keys.find((k) => k.startsWith('tether-'))!);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

/** Distinct colours in the middle of the canvas: a drawn world has many, a blank page one. */
function coloursAtCentre(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.getElementById('game') as HTMLCanvasElement;
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
    () => window.__tether?.restored === true && window.__tether.inGame && document.getElementById('net-indicator')?.dataset['state'] === 'reconnecting',
    undefined,
    { timeout: 3000 },
  );

const liveAgain = (page: Page): Promise<unknown> =>
  page.waitForFunction(() => window.__tether?.client?.status.kind === 'live' && window.__tether.restored === false, undefined, { timeout: 20_000 });

test('a reload during a black hole draws the world from the cache, then resumes as the same player', async () => {
  const player = await fx.newPlayer(`http://127.0.0.1:${proxy.port}/`);
  const me = await joinAs(player, '离线·Offline', 4);
  const files = await cached(player.page);
  assert.ok(files.some((p) => /^\/build\/main-[A-Z0-9]+\.js$/.test(p)) && files.some((p) => /^\/index-.+\.html$/.test(p)), files.join(' '));
  await player.page.waitForFunction(() => sessionStorage.getItem('tether.world.v1') !== null);

  proxy.blackhole(true);
  await player.page.reload({ waitUntil: 'load', timeout: 5000 });
  await restoredAndReconnecting(player.page);
  assert.ok(await player.page.locator('#join-form').isHidden(), 'the world, not the join screen');
  assert.ok((await coloursAtCentre(player.page)) > 20, 'the map and the character are drawn');
  await player.page.screenshot({ path: join(RESULTS_DIR, 'offline-blackhole-reload.png') });
  const me2 = await player.page.evaluate(() => window.__tether!.renderer && JSON.parse(sessionStorage.getItem('tether.world.v1')!).sprites.find((s: { self: boolean }) => s.self));
  assert.equal(me2.id, me.id, 'the picture shows this player');

  proxy.blackhole(false);
  await player.page.evaluate(() => window.__tether!.client!.retryNow());
  await liveAgain(player.page);
  assert.deepEqual(await selfOf(player.page), me);
  assert.deepEqual(player.errors.filter((e) => !e.includes('ERR_')), []);
  await player.context.close();
});

test('a reload while the server is down draws from the cache; the restarted server takes the same player back', async () => {
  const player = await fx.newPlayer();
  const me = await joinAs(player, 'Down·Reload', 2);
  await cached(player.page);
  await player.page.waitForFunction(() => sessionStorage.getItem('tether.world.v1') !== null);
  const port = fx.server.server.port;
  await fx.server.server.stop(500);

  await player.page.reload({ waitUntil: 'load', timeout: 5000 });
  await restoredAndReconnecting(player.page);
  assert.ok((await coloursAtCentre(player.page)) > 20);
  await player.page.screenshot({ path: join(RESULTS_DIR, 'offline-server-down-reload.png') });

  await fx.server.restart({ port });
  await player.page.evaluate(() => window.__tether!.client!.retryNow());
  await liveAgain(player.page);
  assert.deepEqual(await selfOf(player.page), me);
  await player.context.close();
});
