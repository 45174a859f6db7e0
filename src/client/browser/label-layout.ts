/**
 * Where speech bubbles go when players stand close: every name tag (and reconnecting badge) stays
 * over its own head, and each bubble starts right above its speaker's tag and moves up past
 * anything already placed that it would cover — any player's tag, or a bubble placed before it.
 * Bubbles of nearer-the-camera players (lower on screen) are placed first, so the bubble nearest a
 * tag is its own speaker's. Plain geometry in screen pixels, no DOM: labels.ts measures and draws.
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelStack {
  readonly id: number;
  /** Horizontal centre of the speaker's head, screen px. */
  readonly cx: number;
  /** The tag (and badge) boxes above the head: never moved, never covered. */
  readonly fixed: readonly Rect[];
  /** Top of the highest fixed box: the first bubble's tail points here. */
  readonly top: number;
  /** Bubble sizes, the one nearest the head first (the newest). */
  readonly bubbles: ReadonlyArray<{ w: number; h: number }>;
}

export interface PlacedBubble {
  readonly id: number;
  readonly index: number;
  /** The bubble box (tail excluded; it sits below y + h). */
  readonly rect: Rect;
  /** True when it was pushed up from its natural place (the renderer draws a leader line). */
  readonly shifted: boolean;
}

const overlaps = (a: Rect, b: Rect, gap: number): boolean =>
  a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;

/** `gap`: space kept between boxes; `tail`: height of a bubble's tail (space under each bubble). */
export function layoutBubbles(stacks: readonly LabelStack[], gap: number, tail: number): PlacedBubble[] {
  const placed: Rect[] = [];
  for (const s of stacks) placed.push(...s.fixed);
  const out: PlacedBubble[] = [];
  const order = [...stacks].sort((a, b) => b.top - a.top || a.id - b.id);
  for (const s of order) {
    let bottom = s.top - gap;
    s.bubbles.forEach((size, index) => {
      const natural = bottom - tail - size.h;
      const rect: Rect = { x: Math.round(s.cx - size.w / 2), y: natural, w: size.w, h: size.h };
      // Move up past whatever it covers; each move clears one box, so this ends.
      for (let guard = 0; guard < placed.length + 1; guard++) {
        const hit = placed.find((p) => overlaps(rect, p, gap) && p.y < rect.y + rect.h + tail);
        if (!hit) break;
        rect.y = hit.y - gap - tail - rect.h;
      }
      placed.push(rect);
      out.push({ id: s.id, index, rect, shifted: rect.y < natural });
      bottom = rect.y - gap;
    });
  }
  return out;
}
