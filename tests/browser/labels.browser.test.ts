/**
 * Name tags and speech bubbles of players standing close, with emoji in names and chat, and
 * players behind and in front of a tree, drawn by the real renderer in Chromium: the screenshots
 * (test-results/labels-close-players.png, tree-crown-over-player.png) are for a person to look
 * at; the test checks the emoji font is there and nothing errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { joinAs, RESULTS_DIR, startBrowserFixture, type BrowserFixture } from '../support/browser-fixture.js';
import type { PageWindow } from '../support/page-globals.js';
import { TILE, layoutMap } from '../../src/shared/world-map.js';

declare const window: PageWindow;
declare const document: { readonly fonts: { check(font: string, text: string): boolean } };

let fx: BrowserFixture;
before(async () => {
  fx = await startBrowserFixture();
});
after(async () => {
  await fx?.close();
});

test('bubbles of players standing close stack instead of covering name tags; emoji in names render', async () => {
  const a = await fx.newPlayer();
  const b = await fx.newPlayer();
  const c = await fx.newPlayer();
  const ida = (await joinAs(a, 'Ada 🌸', 0)).id;
  const idb = (await joinAs(b, 'Bo 🐉🔥', 4)).id;
  const idc = (await joinAs(c, '小明 😀', 2)).id;
  // Stand them shoulder to shoulder (the server moves the bodies; every client follows).
  const world = fx.server.server.room.world;
  const place = (id: number, x: number, y: number): void => {
    const wb = world.bodies.get(id)!;
    wb.body = { ...wb.body, x, y, moving: false };
  };
  place(ida, 500, 520);
  place(idb, 524, 510);
  place(idc, 488, 500);
  await a.page.waitForFunction(([i, j]) => {
    const c = window.__tether!.client!;
    const pb = c.remotePosition(i, performance.now());
    const pc = c.remotePosition(j, performance.now());
    return !!pb && !!pc && Math.abs(pb.x - 524) < 1 && Math.abs(pc.x - 488) < 1;
  }, [idb, idc] as const, { timeout: 5000 });
  const say = async (page: typeof a.page, text: string): Promise<void> => {
    await page.keyboard.press('Enter');
    await page.keyboard.insertText(text);
    await page.keyboard.press('Enter');
  };
  await say(a.page, 'Hello neighbours! 👋');
  await say(b.page, 'Hi Ada, nice day for a walk 🌞');
  await say(c.page, '你好！');
  await say(b.page, 'Shall we go to the pond?');
  await a.page.locator('#chat-log .line:not(.pending)', { hasText: 'Shall we go to the pond?' }).waitFor({ timeout: 5000 });
  await a.page.screenshot({ path: join(RESULTS_DIR, 'labels-close-players.png'), clip: { x: 340, y: 40, width: 600, height: 420 } });
  const emojiFont = await a.page.evaluate(() => document.fonts.check('16px "Noto Color Emoji"', '🌸'));
  assert.equal(emojiFont, true, 'the emoji font is installed (fonts-noto-color-emoji) and reachable from the page');

  // A player standing just north of a trunk is drawn under the tree's crown; one south of it, over it.
  const layout = layoutMap(1000, 1000);
  let tree: { x: number; y: number } | null = null;
  for (let r = 1; r < 16 && !tree; r++) {
    for (let dy = -r; dy <= r && !tree; dy++) {
      for (let dx = -r; dx <= r && !tree; dx++) {
        const x = 16 + dx;
        const y = 16 + dy;
        if (layout.tileAt(x, y) === 'tree' && layout.tileAt(x, y - 1) !== 'tree' && layout.tileAt(x, y + 1) !== 'tree') tree = { x, y };
      }
    }
  }
  assert.ok(tree, 'a lone tree near the centre');
  place(ida, tree.x * TILE + 16, tree.y * TILE + 12);
  place(idb, tree.x * TILE + 30, tree.y * TILE + 36);
  place(idc, tree.x * TILE - 40, tree.y * TILE + 16);
  await a.page.waitForFunction(([x, y]) => {
    const b = window.__tether!.client!.predictor!.body;
    return b.x === x && b.y === y;
  }, [tree.x * TILE + 16, tree.y * TILE + 12] as const, { timeout: 5000 });
  // A jump that far snaps (no smoothing), so once everyone is drawn at the new spots the frame shows them.
  await a.page.waitForFunction(([j, x, y]) => {
    const p = window.__tether!.client!.remotePosition(j, performance.now());
    return !!p && Math.abs(p.x - x) < 0.5 && Math.abs(p.y - y) < 0.5;
  }, [idb, tree.x * TILE + 30, tree.y * TILE + 36] as const, { timeout: 5000 });
  await a.page.screenshot({ path: join(RESULTS_DIR, 'tree-crown-over-player.png'), clip: { x: 490, y: 230, width: 300, height: 220 } });

  for (const p of [a, b, c]) {
    assert.deepEqual(p.errors, []);
    await p.context.close();
  }
});
