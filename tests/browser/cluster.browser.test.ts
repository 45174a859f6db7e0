/**
 * The cluster in Chromium: a page served by the node that runs its world joins and plays; that
 * node is killed (SIGKILL), taking the page's own origin with it; the page goes on to another
 * node of the cluster (from the node list it got at /worlds) and is live again as the same
 * player, while another page watching the world sees it come back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureClientBuilt, joinAs, launchChromium, RESULTS_DIR, selfOf } from '../support/browser-fixture.js';
import { startTestCluster, type TestCluster } from '../support/cluster-nodes.js';
import { joined } from '../support/server-fixture.js';
import type { PageWindow } from '../support/page-globals.js';

declare const window: PageWindow;

let cluster: TestCluster;
let browser: Browser;

before(async () => {
  cluster = await startTestCluster({ name: 'browser', nodes: 3, publicDir: await ensureClientBuilt(), args: ['--lease-ms', '2000'] });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await cluster?.close();
});

test('a page whose node is killed comes back on another node as the same player', async () => {
  // Place the world first, then load the page from the node that runs it: killing that node
  // also takes the page's origin away.
  const placer = cluster.client('Placer', { world: 'keep' });
  await joined(placer, 10_000);
  const owner = cluster.ownerOf('keep')!;
  assert.ok(owner);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${owner.httpUrl}/?world=keep`);
  const me = await joinAs({ page, context, errors }, '守夜人', 4);
  assert.equal(await page.evaluate(() => window.__tether!.client!.world), 'keep');
  // The page knows the cluster's nodes (from /worlds) before it needs them.
  await page.waitForFunction((n) => window.__tether?.clusterNodes.length === n, cluster.nodes.length);
  await placer.leave();

  await owner.stop('SIGKILL');
  await page.waitForFunction(
    (id) => {
      const c = window.__tether?.client;
      return c?.status.kind === 'live' && c.resumes >= 1 && c.selfId === id;
    },
    me.id,
    { timeout: 20_000 },
  );
  const after = await selfOf(page);
  assert.equal(after.id, me.id);
  assert.equal(after.name, '守夜人');
  const url = await page.evaluate(() => window.__tether!.client!.currentUrl);
  assert.notEqual(url, owner.wsUrl, 'on another node');
  assert.equal(await page.evaluate(() => window.__tether!.client!.rejoins), 0, 'resumed, not joined anew');
  await page.screenshot({ path: join(RESULTS_DIR, 'cluster-node-killed.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
