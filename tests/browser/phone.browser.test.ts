/**
 * The game on a phone (Chromium's device emulation: a Pixel 7's touch screen, isMobile, at
 * 360 x 640 portrait and in landscape): join by tapping, walk with the touch joystick (real touch
 * events through CDP, no key presses), chat through the chat button and the Send button, and the
 * screenshots a person looks at. Also: a page frozen in the background for 10 s comes back live
 * as the same player within 2 s of being shown again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { devices, type CDPSession, type Page } from 'playwright-core';
import { DIR_RIGHT, DIR_UP } from '../../src/shared/movement.js';
import { RESULTS_DIR, selfOf, startBrowserFixture, type BrowserFixture, type PlayerPage } from '../support/browser-fixture.js';
import type { PageWindow } from '../support/page-globals.js';

// The page's globals inside page callbacks (see page-globals.ts); only what this file touches.
interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
interface PhoneElement {
  readonly id: string;
  readonly offsetParent: unknown;
  readonly classList: { contains(name: string): boolean };
  getBoundingClientRect(): Box;
}
declare const window: PageWindow & { readonly innerWidth: number; readonly innerHeight: number; readonly scrollX: number; readonly scrollY: number; readonly visualViewport: { readonly scale: number } | null };
declare const document: {
  readonly body: PhoneElement;
  readonly activeElement: PhoneElement | null;
  querySelector(selector: string): PhoneElement | null;
  getElementById(id: string): PhoneElement | null;
};

let fx: BrowserFixture;
before(async () => {
  fx = await startBrowserFixture();
});
after(async () => {
  await fx?.close();
});

const PORTRAIT = { ...devices['Pixel 7'], viewport: { width: 360, height: 640 }, screen: { width: 360, height: 640 } };
const LANDSCAPE = devices['Pixel 7 landscape'];

async function tapJoin(player: PlayerPage, name: string, character: number): Promise<number> {
  const { page } = player;
  await page.locator('#join-name').fill(name);
  await page.locator(`#join-characters [data-character="${character}"]`).tap();
  await page.locator('#join-button').tap();
  await page.waitForFunction(() => window.__tether?.inGame === true && window.__tether.client?.status.kind === 'live', undefined, { timeout: 10_000 });
  return (await selfOf(page)).id;
}

type TouchPoint = { x: number; y: number; id: number };
async function touch(cdp: CDPSession, type: 'touchStart' | 'touchMove' | 'touchEnd', points: TouchPoint[]): Promise<void> {
  await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map((p) => ({ x: p.x, y: p.y, id: p.id, radiusX: 4, radiusY: 4, force: 1 })) });
}

const ownBody = (page: Page): Promise<{ x: number; y: number }> =>
  page.evaluate(() => {
    const b = window.__tether!.client!.predictor!.body;
    return { x: b.x, y: b.y };
  });

/** Fails the test if an element sticks out of the viewport or covers another. */
async function assertFits(page: Page, selectors: string[], what: string): Promise<void> {
  const boxes = await page.evaluate((sels) => {
    const out: Array<{ sel: string; x: number; y: number; w: number; h: number }> = [];
    for (const sel of sels) {
      const e = document.querySelector(sel);
      if (!e || e.offsetParent === null) continue;
      const r = e.getBoundingClientRect();
      out.push({ sel, x: r.x, y: r.y, w: r.width, h: r.height });
    }
    return { out, vw: window.innerWidth, vh: window.innerHeight };
  }, selectors);
  for (const b of boxes.out) {
    assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= boxes.vw + 0.5 && b.y + b.h <= boxes.vh + 0.5, `${what}: ${b.sel} (${JSON.stringify(b)}) is outside ${boxes.vw}x${boxes.vh}`);
  }
  for (let i = 0; i < boxes.out.length; i++) {
    for (let j = i + 1; j < boxes.out.length; j++) {
      const a = boxes.out[i]!;
      const c = boxes.out[j]!;
      const overlap = a.x < c.x + c.w && c.x < a.x + a.w && a.y < c.y + c.h && c.y < a.y + a.h;
      assert.ok(!overlap, `${what}: ${a.sel} overlaps ${c.sel}`);
    }
  }
}

test('phone, portrait 360x640: tap to join, walk with the touch joystick, chat with the chat button', async () => {
  const watcher = await fx.newPlayer();
  const phone = await fx.newPlayer('', PORTRAIT);
  const { page } = phone;
  assert.equal(await page.evaluate(() => document.body.classList.contains('touch')), true, 'a coarse pointer shows the touch controls');
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-portrait-join.png') });
  await assertFits(page, ['#join-form'], 'join screen');
  const watcherSelf = await (async () => {
    await watcher.page.locator('#join-name').fill('Watcher');
    await watcher.page.locator('#join-button').click();
    await watcher.page.waitForFunction(() => window.__tether?.client?.status.kind === 'live');
    return selfOf(watcher.page);
  })();
  const id = await tapJoin(phone, 'Phone 📱🌸', 3);
  await watcher.page.waitForFunction((pid) => window.__tether?.client?.players.has(pid) === true, id);

  // Walk up and right with one finger: the joystick holds DIR_UP | DIR_RIGHT, no key pressed.
  const cdp = await page.context().newCDPSession(page);
  const start = await ownBody(page);
  await touch(cdp, 'touchStart', [{ x: 120, y: 420, id: 1 }]);
  await touch(cdp, 'touchMove', [{ x: 150, y: 400, id: 1 }]);
  await touch(cdp, 'touchMove', [{ x: 170, y: 370, id: 1 }]);
  await page.waitForFunction((d) => window.__tether!.client!.heldDirections === d, DIR_UP | DIR_RIGHT, { timeout: 2000 });
  // A second finger landing elsewhere (and lifting) neither moves nor releases the joystick.
  await touch(cdp, 'touchStart', [{ x: 170, y: 370, id: 1 }, { x: 300, y: 200, id: 2 }]);
  await touch(cdp, 'touchMove', [{ x: 170, y: 370, id: 1 }, { x: 320, y: 260, id: 2 }]);
  await touch(cdp, 'touchMove', [{ x: 170, y: 370, id: 1 }]); // finger 2 lifts
  await page.waitForFunction(() => document.getElementById('joystick')?.classList.contains('hidden') === false);
  assert.equal(await page.evaluate(() => window.__tether!.client!.heldDirections), DIR_UP | DIR_RIGHT, 'the second finger is ignored');
  await page.waitForFunction((s) => {
    const b = window.__tether!.client!.predictor!.body;
    return b.x > s.x + 30 && b.y < s.y - 30;
  }, start, { timeout: 5000 });
  await watcher.page.waitForFunction(([pid, s]) => {
    const p = window.__tether?.client?.remotePosition(pid, performance.now());
    return !!p && p.x > s.x + 20 && p.y < s.y - 20;
  }, [id, start] as const, { timeout: 5000 });
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-portrait-walking.png') });
  // Dragging straight right turns to DIR_RIGHT; lifting the finger stops.
  await touch(cdp, 'touchMove', [{ x: 190, y: 420, id: 1 }]);
  await page.waitForFunction((d) => window.__tether!.client!.heldDirections === d, DIR_RIGHT, { timeout: 2000 });
  await touch(cdp, 'touchEnd', []);
  await page.waitForFunction(() => window.__tether!.client!.heldDirections === 0 && document.getElementById('joystick')!.classList.contains('hidden'), undefined, { timeout: 2000 });

  // Chat the on-screen way: the chat button focuses the box (which opens the keyboard), Send sends.
  await page.locator('#chat-button').tap();
  await page.waitForFunction(() => document.activeElement?.id === 'chat-input');
  await page.keyboard.insertText('hello from a phone 📱');
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-portrait-chat-open.png') });
  await assertFits(page, ['#chat', '.indicator'], 'chat open');
  await page.locator('#chat-send').tap();
  for (const p of [page, watcher.page]) await p.locator('#chat-log .line:not(.pending)', { hasText: 'hello from a phone 📱' }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator('#chat-input').isVisible(), false, 'sending closes the box');
  // Watcher says something too: bubbles of two players standing close.
  await watcher.page.keyboard.press('Enter');
  await watcher.page.keyboard.type('hi phone!');
  await watcher.page.keyboard.press('Enter');
  await page.locator('#chat-log .line', { hasText: 'hi phone!' }).waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-portrait-game.png') });
  await assertFits(page, ['#chat', '.indicator', '#chat-button'], 'HUD');
  // Overlays still fit (opened with a hardware keyboard here; F3 / F2).
  await page.keyboard.press('F3');
  await page.keyboard.press('F2');
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-portrait-overlays.png') });
  await assertFits(page, ['#debug-overlay', '.net-panel'], 'debug overlay and network panel');
  await page.keyboard.press('F3');
  await page.keyboard.press('F2');

  // No page scroll or zoom happened from all that touching.
  const view = await page.evaluate(() => ({ sx: window.scrollX, sy: window.scrollY, scale: window.visualViewport?.scale ?? 1 }));
  assert.deepEqual(view, { sx: 0, sy: 0, scale: 1 });
  assert.deepEqual(phone.errors, []);
  void watcherSelf;
  await phone.context.close();
  await watcher.context.close();
});

test('phone, landscape: join screen, HUD and chat fit, joystick walks', async () => {
  const phone = await fx.newPlayer('', LANDSCAPE);
  const { page } = phone;
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-landscape-join.png') });
  await assertFits(page, ['#join-button', '#join-name'], 'landscape join screen');
  await tapJoin(phone, 'Sideways🙂', 1);
  const cdp = await page.context().newCDPSession(page);
  const start = await ownBody(page);
  await touch(cdp, 'touchStart', [{ x: 500, y: 200, id: 7 }]);
  await touch(cdp, 'touchMove', [{ x: 440, y: 205, id: 7 }]);
  await page.waitForFunction((s) => window.__tether!.client!.predictor!.body.x < s.x - 20, start, { timeout: 5000 });
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-landscape-walking.png') });
  await touch(cdp, 'touchEnd', []);
  await page.locator('#chat-button').tap();
  await page.keyboard.insertText('landscape chat');
  await page.screenshot({ path: join(RESULTS_DIR, 'phone-landscape-chat-open.png') });
  await assertFits(page, ['#chat', '.indicator'], 'landscape chat open');
  await page.locator('#chat-send').tap();
  await page.locator('#chat-log .line:not(.pending)', { hasText: 'landscape chat' }).waitFor({ timeout: 5000 });
  await assertFits(page, ['#chat', '.indicator', '#chat-button'], 'landscape HUD');
  assert.deepEqual(phone.errors, []);
  await phone.context.close();
});

/** Page script (a string: no bundler helpers inside) that makes the page hidden or visible, as a phone's app switcher does. */
const setVisibility = (state: 'hidden' | 'visible'): string =>
  `Object.defineProperty(document, 'visibilityState', { configurable: true, value: '${state}' }); document.dispatchEvent(new Event('visibilitychange'));`;

test('a page frozen in the background for 10 s comes back live as the same player within 2 s', async () => {
  const player = await fx.newPlayer('', PORTRAIT);
  const { page } = player;
  const id = await tapJoin(player, 'Sleeper', 2);
  const resumesBefore = await page.evaluate(() => window.__tether!.client!.resumes);
  // Hold the joystick into the background: nothing of that hold may be replayed on return.
  const cdp = await page.context().newCDPSession(page);
  await touch(cdp, 'touchStart', [{ x: 100, y: 400, id: 1 }]);
  await touch(cdp, 'touchMove', [{ x: 160, y: 400, id: 1 }]);
  await page.waitForFunction((d) => window.__tether!.client!.heldDirections === d, DIR_RIGHT, { timeout: 2000 });
  // What a phone does first: the page is hidden (its held controls are let go), then frozen.
  await page.evaluate(setVisibility('hidden'));
  assert.equal(await page.evaluate(() => window.__tether!.client!.heldDirections), 0, 'hiding lets go of the joystick');
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await new Promise((r) => setTimeout(r, 10_000)); // the 10 s in the background are the point of the test
  const shownAt = Date.now();
  const serverTick = fx.server.server.room.world.tick;
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  await page.evaluate(setVisibility('visible'));
  // Live again: on a link that hears the server now (fresh ticks), whether the old socket
  // survived the freeze (the browser answers WebSocket pings itself) or was replaced by a resume.
  await page.waitForFunction((tick) => {
    const c = window.__tether!.client!;
    return c.status.kind === 'live' && c.lastTick > tick;
  }, serverTick, { timeout: 5000, polling: 50 });
  const backMs = Date.now() - shownAt;
  assert.ok(backMs < 2000, `back live in ${backMs} ms`);
  assert.equal((await selfOf(page)).id, id, 'the same player');
  const resumesAfter = await page.evaluate(() => window.__tether!.client!.resumes);
  assert.ok(resumesAfter - resumesBefore <= 1, 'at most one resume, never a fresh join');
  assert.equal(await page.evaluate(() => window.__tether!.client!.heldDirections), 0);
  const body = await ownBody(page);
  await page.waitForTimeout(300);
  assert.deepEqual(await ownBody(page), body, 'nothing held before the freeze walks the player now');
  assert.deepEqual(player.errors, []);
  await player.context.close();
});
