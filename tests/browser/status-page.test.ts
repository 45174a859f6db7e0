/**
 * The operator status page in a real Chromium: it renders its cards, plots and player table
 * from /status.json, and the player count moves when headless bots join. The browser logs in
 * with the admin token as the Basic-auth password; the page runs under the server's
 * Content-Security-Policy without a violation (they are console errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { ADMIN_TOKEN, startFixture, joined } from '../support/server-fixture.js';
import type { PageCanvas, PageDocument } from '../support/page-globals.js';

// The page's globals, for the callbacks that run in Chromium (see page-globals.ts).
declare const document: PageDocument;

const CHROMIUM = process.env['TETHER_CHROMIUM'] ?? '/usr/bin/chromium';

test('GET /status renders and its numbers move when bots join', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  t.after(() => browser.close());
  const refused = await fetch(`http://127.0.0.1:${fx.server.port}/status`);
  assert.equal(refused.status, 401, 'no token, no status page');
  assert.match(refused.headers.get('www-authenticate') ?? '', /Basic realm/);
  const context = await browser.newContext({ httpCredentials: { username: 'operator', password: ADMIN_TOKEN } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(`http://127.0.0.1:${fx.server.port}/status`);
  await page.waitForFunction(() => document.body.dataset['players'] === '0', undefined, { timeout: 10_000 });
  assert.equal(await page.textContent('#players'), '0');

  const bots = ['状态Ann', 'Bo状态', '看板Cy'].map((name) => fx.client(name));
  for (const b of bots) await joined(b);
  await page.waitForFunction(() => document.body.dataset['players'] === '3', undefined, { timeout: 10_000 });
  assert.equal(await page.textContent('#players'), '3');
  const rows = await page.$$eval('#roster tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]).sort(), ['Bo状态', '状态Ann', '看板Cy'].sort());
  // name, id, world, RTT, state
  assert.ok(rows.every((r) => r[2] === 'lobby' && r[4] === 'live'), JSON.stringify(rows));
  const worlds = await page.$$eval('#world-rows tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(worlds, [['lobby', '3', '5000', 'this server']]);
  // The plots drew something: the players canvas is not blank.
  const inked = await page.$eval('#plot-players', (c) => {
    const canvas = c as unknown as PageCanvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
  assert.ok(inked > 100, `canvas has ${inked} painted pixels`);

  // The event-loop delay card shows a figure once a second has been sampled.
  await page.waitForFunction(() => /^\d+(\.\d)? ms$/.test(document.querySelector('#loop')?.textContent ?? ''), undefined, { timeout: 10_000 });
  await page.screenshot({ path: 'test-results/status-page.png' });
  bots[0]!.leave();
  await page.waitForFunction(() => document.body.dataset['players'] === '2', undefined, { timeout: 10_000 });
  assert.deepEqual(errors, []);
});
