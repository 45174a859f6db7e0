/**
 * The game in a real browser (Debian Chromium via playwright-core) against a real server: join
 * with a Chinese and a Latin name, walk with the keyboard, chat, refusals on the join screen, a
 * connection cut and a reload. Synchronisation is by conditions on the page state (window.__tether,
 * the DOM), never by sleeping.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { joinAs, RESULTS_DIR, selfOf, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import type { PageWindow } from '../support/page-globals.js';

// The page's globals, for the callbacks that run in Chromium (see page-globals.ts).
declare const window: PageWindow;

let fx: BrowserFixture;

before(async () => {
  fx = await startBrowserFixture();
});
after(async () => {
  await fx?.close();
});

/** Where `page` currently draws player `id` (interpolated), or null if it does not know it. */
function seenX(page: Page, id: number): Promise<number | null> {
  return page.evaluate((pid) => window.__tether?.client?.remotePosition(pid, performance.now())?.x ?? null, id);
}

function chatLogText(page: Page): Promise<string> {
  return page.locator('#chat-log').innerText();
}

test('two players join (Chinese and Latin names), one walks, the other sees it; chat reaches both', async () => {
  const a = await fx.newPlayer();
  const b = await fx.newPlayer();
  const me = await joinAs(a, '葬爱·3F9A', 2);
  const her = await joinAs(b, 'Alice', 5);
  assert.equal(me.name, '葬爱·3F9A');
  await b.page.waitForFunction((id) => window.__tether?.client?.players.get(id)?.info.name === '葬爱·3F9A', me.id);
  await a.page.waitForFunction((id) => window.__tether?.client?.players.has(id) === true, her.id);

  // Chat typed through the real chat box: Enter opens it, Enter sends.
  await b.page.keyboard.press('Enter');
  await b.page.locator('#chat-input').waitFor({ state: 'visible' });
  await b.page.keyboard.type('你好，葬爱！Nice to meet you');
  await b.page.keyboard.press('Enter');
  for (const p of [a.page, b.page]) {
    await p.locator('#chat-log .line:not(.pending)', { hasText: '你好，葬爱！Nice to meet you' }).waitFor({ timeout: 5000 });
  }
  assert.match(await chatLogText(a.page), /Alice/);

  // A holds ArrowRight for about a second; B must see A move right.
  const startX = await seenX(b.page, me.id);
  assert.ok(startX !== null);
  const ownStart = await a.page.evaluate(() => window.__tether!.client!.predictor!.body.x);
  await a.page.keyboard.down('ArrowRight');
  await a.page.waitForFunction((x0) => window.__tether!.client!.predictor!.body.x >= Math.min(x0 + 110, 990), ownStart, { timeout: 5000 });
  await b.page.waitForFunction(([id, x0]) => (window.__tether?.client?.remotePosition(id, performance.now())?.x ?? -1) > x0 + 60, [me.id, startX] as const, { timeout: 5000 });
  // Still walking: the screenshot shows a walk frame, both name tags and the speech bubble.
  // A may have walked into a tree's trunk by now (solid ground): then A stands. While A's own
  // body still walks, B, which shows A a little in the past, must show A walking too.
  const aWalking = await a.page.evaluate(() => window.__tether!.client!.predictor!.body.moving);
  const moving = await b.page.evaluate((id) => window.__tether!.client!.remotePosition(id, performance.now())!.moving, me.id);
  await b.page.screenshot({ path: join(RESULTS_DIR, 'two-players.png') });
  await a.page.screenshot({ path: join(RESULTS_DIR, 'two-players-walker.png') });
  await a.page.keyboard.up('ArrowRight');
  assert.ok(moving || !aWalking, 'B sees A in its walk cycle while A holds the key and walks');
  await b.page.waitForFunction((id) => window.__tether?.client?.remotePosition(id, performance.now())?.moving === false, me.id, { timeout: 5000 });

  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await a.context.close();
  await b.context.close();
});

test('the join screen explains bad names and server refusals', async () => {
  const owner = await fx.newPlayer();
  await joinAs(owner, 'Taken名字', 1);

  const other = await fx.newPlayer();
  const { page } = other;
  // Client-side check: a bidi override never leaves the page.
  await page.locator('#join-name').fill('a\u202Eb');
  await page.locator('#join-button').click();
  await page.locator('#join-error', { hasText: /text-direction/ }).waitFor({ timeout: 3000 });
  // Server refusal: the name belongs to another profile (no account token in this browser).
  await page.locator('#join-name').fill('Taken名字');
  await page.locator('#join-button').click();
  await page.locator('#join-error', { hasText: /belongs to another player/ }).waitFor({ timeout: 5000 });
  assert.equal(await page.evaluate(() => window.__tether?.inGame), false);
  assert.equal(await page.locator('#join-button').isEnabled(), true);
  // And a free name still works from the same screen.
  await joinAs(other, 'Free·名字', 3);
  await owner.context.close();
  await other.context.close();
});

test('a cut connection shows reconnecting on both sides, then both live again as the same player', async () => {
  const a = await fx.newPlayer();
  const b = await fx.newPlayer();
  const me = await joinAs(a, '断线·7C1E', 4);
  await joinAs(b, 'Watcher', 0);
  await b.page.waitForFunction((id) => window.__tether?.client?.players.get(id)?.info.state === 'live', me.id);

  await a.context.setOffline(true);
  await a.page.locator('#net-indicator[data-state="reconnecting"]').waitFor({ timeout: 8000 });
  await b.page.waitForFunction((id) => window.__tether?.client?.players.get(id)?.info.state === 'reconnecting', me.id, { timeout: 10_000 });
  // Chat typed while cut off is shown as sending, and sent once the link is back.
  await a.page.keyboard.press('Enter');
  await a.page.keyboard.type('typed while offline 离线');
  await a.page.keyboard.press('Enter');
  await a.page.locator('#chat-log .line.pending', { hasText: 'sending…' }).waitFor({ timeout: 3000 });
  await b.page.screenshot({ path: join(RESULTS_DIR, 'reconnecting.png') });
  await a.page.screenshot({ path: join(RESULTS_DIR, 'reconnecting-self.png') });
  // The world keeps drawing meanwhile.
  assert.ok(await a.page.evaluate(() => window.__tether!.renderer.fps > 5));

  await a.context.setOffline(false);
  await a.page.locator('#net-indicator[data-state="live"]').waitFor({ timeout: 10_000 });
  await b.page.waitForFunction((id) => window.__tether?.client?.players.get(id)?.info.state === 'live', me.id, { timeout: 10_000 });
  assert.deepEqual(await selfOf(a.page), me);
  assert.equal(await b.page.evaluate((id) => window.__tether!.client!.players.get(id)!.info.name, me.id), me.name);
  for (const p of [a.page, b.page]) {
    await p.locator('#chat-log .line:not(.pending)', { hasText: 'typed while offline 离线' }).waitFor({ timeout: 5000 });
  }
  assert.equal(await b.page.locator('#chat-log .line', { hasText: 'typed while offline 离线' }).count(), 1, 'sent exactly once');
  const others = await b.page.evaluate(() => [...window.__tether!.client!.players.values()].filter((p) => p.info.name === '断线·7C1E').length);
  assert.equal(others, 1, 'the player never appears twice');
  await a.context.close();
  await b.context.close();
});

test('a reloaded page comes back as the same player', async () => {
  const a = await fx.newPlayer();
  const watcher = await fx.newPlayer();
  const me = await joinAs(a, 'Reload·B00B', 1);
  await joinAs(watcher, 'Observer', 2);
  await a.page.reload();
  await a.page.waitForFunction(() => window.__tether?.inGame === true && window.__tether.client?.status.kind === 'live', undefined, { timeout: 10_000 });
  assert.deepEqual(await selfOf(a.page), me);
  await watcher.page.waitForFunction((id) => window.__tether?.client?.players.get(id)?.info.state === 'live', me.id, { timeout: 5000 });
  assert.deepEqual(a.errors, []);

  // A second tab of the same browser, joining with the same (remembered) name, takes the seat;
  // the first tab stops with a clear reason and does not come back by itself.
  const tab = await fx.newTab(a);
  assert.equal(await tab.page.locator('#join-name').inputValue(), 'Reload·B00B');
  await tab.page.locator('#join-button').click();
  await tab.page.waitForFunction(() => window.__tether?.client?.status.kind === 'live', undefined, { timeout: 10_000 });
  assert.deepEqual(await selfOf(tab.page), me);
  await a.page.locator('#net-indicator[data-state="stopped"]', { hasText: 'another tab' }).waitFor({ timeout: 5000 });
  const copies = await watcher.page.evaluate(() => [...window.__tether!.client!.players.values()].filter((p) => p.info.name === 'Reload·B00B').length);
  assert.equal(copies, 1);
  await a.context.close();
  await watcher.context.close();
});

test('a ?net= page plays on its simulated profile and shows it', async () => {
  const weak = await fx.newPlayer('?net=mobile&seed=42');
  const me = await joinAs(weak, 'Weak·Tab', 5);
  await weak.page.locator('#net-badge', { hasText: 'net: mobile' }).waitFor({ timeout: 3000 });
  assert.equal(await weak.page.evaluate(() => window.__tether?.netProfile), 'mobile');
  // The panel (F2) shows the profile and switches it live.
  await weak.page.keyboard.press('F2');
  await weak.page.locator('#net-summary', { hasText: 'mobile (P2' }).waitFor({ timeout: 3000 });
  await weak.page.locator('#net-profile').selectOption('good');
  await weak.page.locator('#net-badge', { hasText: 'net: good' }).waitFor({ timeout: 3000 });
  assert.match(weak.page.url(), /net=good/);
  assert.deepEqual(await selfOf(weak.page), me);
  await weak.context.close();
});

test('worlds: an invite link joins its world; the join screen lists the worlds and how full they are; a reload stays in the world', async () => {
  const invited = await fx.newPlayer('?world=Tea_House');
  // The link is made canonical and offered even before the world exists.
  await invited.page.locator('#join-world option[value="tea-house"]').waitFor({ state: 'attached' });
  assert.equal(await invited.page.locator('#join-world').inputValue(), 'tea-house');
  const me = await joinAs(invited, '茶客', 3);
  assert.equal(await invited.page.evaluate(() => window.__tether!.client!.world), 'tea-house');

  const other = await fx.newPlayer();
  // The list is refreshed while the join screen shows: the new world appears with its player.
  await other.page.locator('#join-world option[value="tea-house"]', { hasText: /1\/\d+/ }).waitFor({ state: 'attached', timeout: 10_000 });
  const options = await other.page.locator('#join-world option').allInnerTexts();
  assert.match(options[0]!, /Quick join/);
  assert.ok(options.some((o) => o.startsWith('lobby ·')), options.join(' | '));
  await other.page.screenshot({ path: join(RESULTS_DIR, 'join-worlds.png') });
  // A quick join goes to the lobby, where the invited player is not.
  const them = await joinAs(other, 'Passerby', 1);
  assert.equal(await other.page.evaluate((id) => window.__tether!.client!.players.has(id), me.id), false);
  assert.equal(await invited.page.evaluate((id) => window.__tether!.client!.players.has(id), them.id), false);

  await invited.page.reload();
  await invited.page.waitForFunction(() => window.__tether?.client?.status.kind === 'live' && window.__tether.client.world === 'tea-house', undefined, { timeout: 10_000 });
  assert.equal((await selfOf(invited.page)).id, me.id);
  assert.deepEqual(invited.errors, []);
  assert.deepEqual(other.errors, []);
  await invited.context.close();
  await other.context.close();
});
