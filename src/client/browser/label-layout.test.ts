import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutBubbles, type LabelStack, type Rect } from './label-layout.js';

const tag = (cx: number, top: number): Rect => ({ x: cx - 40, y: top, w: 80, h: 20 });
const stack = (id: number, cx: number, top: number, bubbles: number[]): LabelStack => ({ id, cx, fixed: [tag(cx, top)], top, bubbles: bubbles.map((h) => ({ w: 160, h })) });
const hit = (a: Rect, b: Rect): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('a lone speaker gets its bubble right above its tag', () => {
  const [b] = layoutBubbles([stack(1, 200, 300, [30])], 2, 6);
  assert.deepEqual(b!.rect, { x: 120, y: 300 - 2 - 6 - 30, w: 160, h: 30 });
  assert.equal(b!.shifted, false);
});

test('two players side by side: no bubble covers a name tag or another bubble', () => {
  // B stands 50 px to the right and 15 px higher: A's natural bubble would cover B's tag.
  const stacks = [stack(1, 200, 300, [30, 44]), stack(2, 250, 285, [30])];
  const placed = layoutBubbles(stacks, 2, 6);
  assert.equal(placed.length, 3);
  const tags = stacks.flatMap((s) => s.fixed);
  for (const p of placed) for (const t of tags) assert.ok(!hit(p.rect, t), `bubble ${p.id}/${p.index} covers a tag`);
  for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) assert.ok(!hit(placed[i]!.rect, placed[j]!.rect), 'bubbles overlap');
  assert.ok(placed.some((p) => p.shifted), 'something had to move');
  // Each bubble stays above its own speaker.
  for (const p of placed) assert.equal(p.rect.x + p.rect.w / 2, stacks.find((s) => s.id === p.id)!.cx);
});

test('a crowd on one spot stacks every bubble without overlaps', () => {
  const stacks = Array.from({ length: 6 }, (_, i) => stack(i + 1, 300 + (i % 3) * 10, 400 - i * 4, [28, 28]));
  const placed = layoutBubbles(stacks, 2, 6);
  for (let i = 0; i < placed.length; i++) {
    for (const t of stacks.flatMap((s) => s.fixed)) assert.ok(!hit(placed[i]!.rect, t));
    for (let j = i + 1; j < placed.length; j++) assert.ok(!hit(placed[i]!.rect, placed[j]!.rect));
  }
});
