/**
 * Output safety in a real browser: names and chat are text, never HTML. A headless attacker
 * joins with a markup name and sends the classic payloads as chat; the watching page (Debian
 * Chromium via playwright-core) must show each one as literal text, create no element from it,
 * open no dialog and never run the script the payloads carry (they would set window.__pwned).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { joinAs, RESULTS_DIR, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import { TetherClient } from '../../src/client/core/tether-client.js';
import { wsTransport } from '../../src/client/node/ws-transport.js';
import { systemClock } from '../../src/shared/system-clock.js';
import type { PageWindow, PageDocument, PageComputedStyle } from '../support/page-globals.js';

// The page's globals, for the callbacks that run in Chromium (see page-globals.ts).
declare const window: PageWindow;
declare const document: PageDocument;
declare const getComputedStyle: PageComputedStyle;

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const ATTACKER_NAME = '<b>x</b><i>'; // 11 characters: the name rules allow < and >.
const PAYLOADS = [
  '<script>window.__pwned=1;alert(1)</script>',
  '<img src=x onerror="window.__pwned=2;alert(2)">',
  '<a href="javascript:window.__pwned=3;alert(3)">click me</a>',
  '"><svg onload="window.__pwned=4;alert(4)">',
  `'"><iframe srcdoc="<script>parent.__pwned=5;parent.alert(5)</script>"></iframe>`,
  '<style>#chat-log{display:none}</style><b>bold?</b>',
  '<details open ontoggle="window.__pwned=6;alert(6)">',
  '&lt;b&gt;entities stay literal&lt;/b&gt; &amp;',
  '{{constructor.constructor("window.__pwned=7")()}}',
  '<body onload="window.__pwned=8">javascript:alert(9)',
];

let fx: BrowserFixture;
let attacker: TetherClient | null = null;

before(async () => {
  fx = await startBrowserFixture();
});
after(async () => {
  attacker?.dispose();
  await fx?.close();
});

test('markup in names and chat is shown as text and never runs (Chromium)', async () => {
  fx.server.server.room.chatRate = { burst: 50, perSecond: 50 };
  const viewer = await fx.newPlayer();
  const dialogs: string[] = [];
  viewer.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await viewer.page.evaluate(() => {
    window.__pwned = 0;
  });
  await joinAs(viewer, 'Viewer');

  attacker = new TetherClient({ url: fx.server.wsUrl, transport: wsTransport, clock: systemClock, name: ATTACKER_NAME, character: 1 });
  attacker.start();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('attacker did not join')), 5000);
    const check = () => {
      if (attacker!.status.kind === 'live' && attacker!.selfId !== null) {
        clearTimeout(timer);
        resolve();
      }
    };
    attacker!.on('status', check);
    attacker!.on('welcome', check);
    attacker!.on('refused', (_code, message) => reject(new Error(`attacker refused: ${message}`)));
    check();
  });
  assert.equal(attacker.self?.info.name, ATTACKER_NAME, 'the name rules let markup characters through as text');

  for (const p of PAYLOADS) {
    const r = attacker.say(p);
    assert.ok(r.ok, p);
  }
  // Every payload arrives and is shown exactly as typed.
  await viewer.page.waitForFunction(
    (n) => document.querySelectorAll('#chat-log .line .text').length >= n,
    PAYLOADS.length,
    { timeout: 10_000 },
  );
  const shown = await viewer.page.$$eval('#chat-log .line', (lines) =>
    lines.map((l) => ({ who: l.querySelector('.who')?.textContent ?? '', text: l.querySelector('.text')?.textContent ?? '' })),
  );
  for (const p of PAYLOADS) {
    assert.ok(
      shown.some((s) => s.text === p && s.who === ATTACKER_NAME),
      `payload not shown literally: ${p}\n${JSON.stringify(shown, null, 1).slice(0, 2000)}`,
    );
  }
  // Give event handlers (onerror, onload, ontoggle) every chance to fire.
  await viewer.page.waitForTimeout(800);
  const dom = await viewer.page.evaluate(() => ({
    injected: document.querySelectorAll('#chat-log :is(script, img, a, svg, iframe, style, b, i, details, body)').length,
    anywhere: document.querySelectorAll('img[src="x"], iframe[srcdoc], svg[onload], details[ontoggle]').length,
    chatVisible: getComputedStyle(document.querySelector('#chat-log')!).display !== 'none',
    pwned: window.__pwned,
  }));
  assert.equal(dom.injected, 0, 'no element was created from chat or names in the chat log');
  assert.equal(dom.anywhere, 0, 'no payload element anywhere in the page');
  assert.equal(dom.chatVisible, true, 'an injected <style> did not apply');
  assert.equal(dom.pwned, 0, 'no payload script ran');
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(viewer.errors.filter((e) => /pwned|alert/.test(e)), []);
  await viewer.page.screenshot({ path: join(RESULTS_DIR, 'xss-chat-literal.png') });
});
