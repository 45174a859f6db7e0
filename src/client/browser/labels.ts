/**
 * Text drawn over the world: name tags, the "reconnecting" badge and speech bubbles. All of it is
 * drawn in screen space at device resolution (never scaled with the pixel-art world), so names
 * stay crisp, and with a font stack that has CJK fallbacks so Chinese names render everywhere.
 */
export const FONT_STACK = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif, "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"';

export function font(px: number, weight = 600): string {
  return `${weight} ${px}px ${FONT_STACK}`;
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

import type { Rect } from './label-layout.js';

/** A name centred on `cx` with its bottom at `bottom`; returns the tag's box. */
export function drawNameTag(ctx: CanvasRenderingContext2D, name: string, cx: number, bottom: number, self: boolean, scale: number): Rect {
  const px = Math.round(13 * scale);
  ctx.font = font(px);
  const w = Math.ceil(ctx.measureText(name).width);
  const padX = Math.round(6 * scale);
  const h = Math.round(px + 7 * scale);
  const x = Math.round(cx - w / 2 - padX);
  const y = Math.round(bottom - h);
  ctx.fillStyle = self ? 'rgba(40, 28, 0, 0.72)' : 'rgba(10, 14, 24, 0.66)';
  roundRect(ctx, x, y, w + padX * 2, h, Math.round(5 * scale));
  ctx.fill();
  if (self) {
    ctx.strokeStyle = 'rgba(255, 213, 74, 0.85)';
    ctx.lineWidth = Math.max(1, Math.round(scale));
    ctx.stroke();
  }
  ctx.fillStyle = self ? '#ffd54a' : '#f4f7ff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(name, Math.round(cx), y + h / 2 + scale * 0.5);
  return { x, y, w: w + padX * 2, h };
}

/** "⟳ reconnecting" badge with a spinning arc, so a frozen player reads as waiting, not gone. */
export function drawReconnectingBadge(ctx: CanvasRenderingContext2D, cx: number, bottom: number, nowMs: number, scale: number): Rect {
  const px = Math.round(11 * scale);
  ctx.font = font(px, 600);
  const label = 'reconnecting';
  const tw = Math.ceil(ctx.measureText(label).width);
  const icon = px;
  const gap = Math.round(4 * scale);
  const padX = Math.round(6 * scale);
  const w = icon + gap + tw + padX * 2;
  const h = Math.round(px + 6 * scale);
  const x = Math.round(cx - w / 2);
  const y = Math.round(bottom - h);
  ctx.fillStyle = 'rgba(120, 70, 0, 0.85)';
  roundRect(ctx, x, y, w, h, h / 2);
  ctx.fill();
  const ix = x + padX + icon / 2;
  const iy = y + h / 2;
  const a = (nowMs / 1000) * Math.PI * 2;
  ctx.strokeStyle = '#ffd27a';
  ctx.lineWidth = Math.max(1.5, 2 * scale * 0.8);
  ctx.beginPath();
  ctx.arc(ix, iy, icon * 0.36, a, a + Math.PI * 1.4);
  ctx.stroke();
  ctx.fillStyle = '#ffe7b8';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, x + padX + icon + gap, iy + scale * 0.5);
  return { x, y, w, h };
}

/** Splits text into lines no wider than maxWidth, by grapheme so CJK (no spaces) wraps too. */
export function wrapText(ctx: CanvasRenderingContext2D, text: string, maxWidth: number, maxLines = 5): string[] {
  const seg = new Intl.Segmenter(undefined, { granularity: 'word' });
  const lines: string[] = [];
  let line = '';
  const fits = (t: string): boolean => ctx.measureText(t).width <= maxWidth;
  for (const { segment } of seg.segment(text)) {
    if (fits(line + segment)) {
      line += segment;
      continue;
    }
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = '';
    const word = segment.trimStart();
    if (fits(word)) {
      line = word;
      continue;
    }
    // A single word wider than the bubble (a URL, a long run of letters): break it anywhere.
    for (const ch of word) {
      if (line !== '' && !fits(line + ch)) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1] ?? ''}…`;
    return kept;
  }
  return lines;
}

export interface BubbleMeasure {
  readonly lines: string[];
  readonly w: number;
  readonly h: number;
  readonly px: number;
  readonly lineH: number;
  readonly pad: number;
}

/** The size of a speech bubble's box (without its tail) at this scale. */
export function measureBubble(ctx: CanvasRenderingContext2D, text: string, scale: number): BubbleMeasure {
  const px = Math.round(13 * scale);
  ctx.font = font(px, 500);
  const lines = wrapText(ctx, text, 190 * scale);
  const lineH = Math.round(px * 1.3);
  let w = 0;
  for (const l of lines) w = Math.max(w, ctx.measureText(l).width);
  const pad = Math.round(7 * scale);
  return { lines, w: Math.ceil(w) + pad * 2, h: lines.length * lineH + pad * 2 - Math.round(px * 0.3), px, lineH, pad };
}

export function bubbleTail(scale: number): number {
  return Math.round(6 * scale);
}

/**
 * The line from a bubble pushed up by its neighbours (label-layout.ts) down to its speaker's tag
 * at `anchorY`; drawn before every bubble, so bubbles cover lines and never the other way round.
 */
export function drawBubbleLeader(ctx: CanvasRenderingContext2D, m: BubbleMeasure, y: number, cx: number, anchorY: number, alpha: number, scale: number): void {
  const from = y + m.h + bubbleTail(scale);
  if (anchorY <= from) return;
  ctx.save();
  ctx.globalAlpha *= alpha;
  ctx.strokeStyle = 'rgba(255, 255, 250, 0.85)';
  ctx.lineWidth = Math.max(1, Math.round(1.5 * scale));
  ctx.beginPath();
  ctx.moveTo(cx, from);
  ctx.lineTo(cx, anchorY);
  ctx.stroke();
  ctx.restore();
}

/** A measured speech bubble with its box at (x, y) and its tail pointing down at the speaker (cx). */
export function drawBubble(ctx: CanvasRenderingContext2D, m: BubbleMeasure, x: number, y: number, cx: number, alpha: number, scale: number): void {
  const bw = m.w;
  const bh = m.h;
  const tail = bubbleTail(scale);
  ctx.save();
  ctx.globalAlpha *= alpha;
  ctx.fillStyle = 'rgba(255, 255, 250, 0.96)';
  ctx.strokeStyle = 'rgba(20, 24, 40, 0.85)';
  ctx.lineWidth = Math.max(1, Math.round(1.5 * scale));
  roundRect(ctx, x, y, bw, bh, Math.round(8 * scale));
  ctx.fill();
  ctx.stroke();
  // The tail: a small triangle pointing at the speaker, drawn over the border to join it.
  ctx.beginPath();
  ctx.moveTo(cx - tail, y + bh - 1);
  ctx.lineTo(cx, y + bh + tail);
  ctx.lineTo(cx + tail, y + bh - 1);
  ctx.fill();
  ctx.stroke();
  ctx.fillRect(cx - tail + 1, y + bh - 2 * scale, tail * 2 - 2, 2 * scale);
  ctx.fillStyle = '#1b1f2e';
  ctx.font = font(m.px, 500);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  m.lines.forEach((l, i) => ctx.fillText(l, cx, y + m.pad + i * m.lineH));
  ctx.restore();
}
