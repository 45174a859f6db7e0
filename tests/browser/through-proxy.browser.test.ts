/**
 * Issue 3 in a real browser: the chaos proxy forwards plain TCP, so the game page and its
 * WebSocket both load and play through it, at the `mobile` profile.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { joinAs, RESULTS_DIR, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { startChaosProxy, type ChaosProxy } from '../../src/netsim/chaos-proxy.js';
import type { PageWindow } from '../support/page-globals.js';

// The page's globals, for the callbacks that run in Chromium (see page-globals.ts).
declare const window: PageWindow;

let fx: BrowserFixture;
let proxy: ChaosProxy;

before(async () => {
  fx = await startBrowserFixture();
  proxy = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: fx.server.server.port, profile: 'mobile', seed: 3, log: () => {} });
});
after(async () => {
  await proxy?.close();
  await fx?.close();
});

test('a page loaded through the chaos proxy plays: it joins, walks, and a direct page sees it', async () => {
  const viaProxy = await fx.newPlayer(`http://127.0.0.1:${proxy.port}/`);
  const direct = await fx.newPlayer();
  const walker = await joinAs(viaProxy, '隧道·Proxy', 1);
  await joinAs(direct, 'Direct', 3);
  assert.ok(proxy.stats().connections.length >= 1, 'the page went through the proxy');
  await direct.page.waitForFunction((id) => window.__tether?.client?.players.get(id)?.info.name === '隧道·Proxy', walker.id);
  const startX = await direct.page.evaluate((id) => window.__tether!.client!.remotePosition(id, performance.now())!.x, walker.id);
  await viaProxy.page.keyboard.down('ArrowRight');
  await direct.page.waitForFunction(([id, x0]) => (window.__tether?.client?.remotePosition(id, performance.now())?.x ?? -1) > x0 + 40, [walker.id, startX] as const, { timeout: 10_000 });
  await viaProxy.page.keyboard.up('ArrowRight');
  const rtt = await viaProxy.page.evaluate(() => window.__tether!.client!.serverClock.rttMs);
  assert.ok(rtt >= 50, `the proxied page feels the profile's latency (RTT ${Math.round(rtt)} ms)`);
  await viaProxy.page.screenshot({ path: join(RESULTS_DIR, 'through-proxy.png') });
  assert.deepEqual(viaProxy.errors, []);
});
