/**
 * Draws one frame: the ground, then every player and tree y-sorted by their feet (whoever stands
 * lower overlaps, so a player behind a trunk is under its crown), then
 * in screen space the name tags, reconnecting badges and speech bubbles. It reads a plain list of
 * sprites prepared by the caller and never touches the network, so it can run every animation
 * frame whatever the link is doing.
 *
 * The world is pixel art drawn at an integer zoom with smoothing off; text is drawn at device
 * resolution afterwards so it stays sharp on any zoom or screen density.
 */
import { drawFrame, frameColumn, FRAME, type Assets } from './assets.js';
import type { Bubbles } from './bubbles.js';
import { layoutBubbles, type LabelStack, type Rect } from './label-layout.js';
import { bubbleTail, drawBubble, drawBubbleLeader, drawNameTag, drawReconnectingBadge, measureBubble, type BubbleMeasure } from './labels.js';
import { drawTile, renderMap, type TreeSprite, type WorldArt } from './world-map.js';

export interface SpriteState {
  readonly id: number;
  readonly name: string;
  readonly character: number;
  readonly x: number;
  readonly y: number;
  readonly facing: number;
  readonly moving: boolean;
  readonly self: boolean;
  readonly reconnecting: boolean;
}

/** Where the feet are inside a 32x32 frame, relative to the body position (footprint centre). */
const SPRITE_OFFSET_X = -FRAME / 2;
const SPRITE_OFFSET_Y = -26;
/** Height of the head above the body position, in world units: tags go above it. */
const HEAD_TOP = 26;

export class Renderer {
  private readonly ctx: CanvasRenderingContext2D;
  private map: WorldArt | null = null;
  private mapSize = '';
  private dpr = 1;
  private cssW = 0;
  private cssH = 0;
  /** World zoom: 2x makes the 32 px art readable; small windows fall back to 1x. */
  zoom = 2;
  camera = { x: 0, y: 0 };
  fps = 0;
  private lastFrameMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly assets: Assets,
  ) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('canvas 2D is not available');
    this.ctx = ctx;
  }

  setWorld(widthUnits: number, heightUnits: number): void {
    const key = `${widthUnits}x${heightUnits}`;
    if (key === this.mapSize) return;
    this.mapSize = key;
    this.map = renderMap(this.assets, widthUnits, heightUnits);
  }

  /** Keeps the backing store at device resolution for the canvas's CSS size. */
  private resize(): void {
    const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    if (w === this.cssW && h === this.cssH && dpr === this.dpr) return;
    this.cssW = w;
    this.cssH = h;
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(w * dpr));
    this.canvas.height = Math.max(1, Math.round(h * dpr));
    this.zoom = w < 720 || h < 480 ? 1 : 2;
  }

  draw(nowMs: number, sprites: readonly SpriteState[], focus: { x: number; y: number } | null, bubbles: Bubbles): void {
    this.resize();
    if (this.lastFrameMs > 0) {
      const dt = nowMs - this.lastFrameMs;
      if (dt > 0) this.fps += (1000 / dt - this.fps) * 0.05;
    }
    this.lastFrameMs = nowMs;
    const { ctx, dpr, zoom } = this;
    const scale = dpr * zoom;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#14202a';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.map) return;

    // Camera: centred on the own player, clamped so the view never leaves the world; a world
    // smaller than the window is centred instead. Snapped to whole device pixels (no shimmer).
    const viewW = this.cssW / zoom;
    const viewH = this.cssH / zoom;
    const mw = this.map.ground.width;
    const mh = this.map.ground.height;
    const fx = focus?.x ?? mw / 2;
    const fy = focus?.y ?? mh / 2;
    const camX = mw <= viewW ? (mw - viewW) / 2 : Math.min(Math.max(fx - viewW / 2, 0), mw - viewW);
    const camY = mh <= viewH ? (mh - viewH) / 2 : Math.min(Math.max(fy - viewH / 2, 0), mh - viewH);
    this.camera = { x: Math.round(camX * scale) / scale, y: Math.round(camY * scale) / scale };
    const toScreenX = (x: number): number => (x - this.camera.x) * scale;
    const toScreenY = (y: number): number => (y - this.camera.y) * scale;

    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(scale, 0, 0, scale, -this.camera.x * scale, -this.camera.y * scale);
    ctx.drawImage(this.map.ground, 0, 0);

    const sorted = [...sprites].sort((a, b) => a.y - b.y || a.id - b.id);
    // Trees in view (with a tile of margin), merged with the players by depth: a tree is drawn
    // after everyone whose feet are above its trunk's base.
    const trees = this.map.trees.filter((t) => t.x + 32 >= camX - 32 && t.x <= camX + viewW + 32 && t.y + 32 >= camY - 32 && t.y <= camY + viewH + 64);
    let ti = 0;
    const drawTree = (t: TreeSprite): void => drawTile(ctx, this.assets, 'tree_sprite', t.x, t.y);
    for (const s of sorted) {
      while (ti < trees.length && trees[ti]!.baseY <= s.y) drawTree(trees[ti++]!);
      this.drawSprite(s, nowMs);
    }
    while (ti < trees.length) drawTree(trees[ti++]!);

    // Screen space, device pixels: labels stay crisp and a constant size whatever the zoom.
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = true;
    const textScale = dpr * (zoom >= 2 ? 1.05 : 0.95);
    // Tags first (each over its own head), then bubbles laid out so none covers a tag or
    // another bubble (label-layout.ts): players standing close get stacked bubbles.
    const stacks: LabelStack[] = [];
    const speech = new Map<number, Array<{ m: BubbleMeasure; alpha: number }>>();
    for (const s of sorted) {
      const cx = Math.round(toScreenX(s.x));
      const fixed: Rect[] = [];
      let top = Math.round(toScreenY(s.y - HEAD_TOP)) - 2 * dpr;
      ctx.globalAlpha = s.reconnecting ? 0.75 : 1;
      const tag = drawNameTag(ctx, s.name, cx, top, s.self, textScale);
      fixed.push(tag);
      top = tag.y - 3 * dpr;
      ctx.globalAlpha = 1;
      if (s.reconnecting) {
        const badge = drawReconnectingBadge(ctx, cx, top, nowMs, textScale);
        fixed.push(badge);
        top = badge.y - 3 * dpr;
      }
      const said = bubbles.current(s.id, nowMs).reverse().map((b) => ({ m: measureBubble(ctx, b.text, textScale), alpha: b.alpha }));
      if (said.length > 0) speech.set(s.id, said);
      stacks.push({ id: s.id, cx, fixed, top: top + 3 * dpr, bubbles: said.map((b) => b.m) });
    }
    const placed = layoutBubbles(stacks, 2 * dpr, bubbleTail(textScale));
    const stackOf = new Map(stacks.map((st) => [st.id, st]));
    for (const pass of ['leaders', 'bubbles'] as const) {
      for (const p of placed) {
        const b = speech.get(p.id)?.[p.index];
        const st = stackOf.get(p.id);
        if (!b || !st) continue;
        if (pass === 'bubbles') drawBubble(ctx, b.m, p.rect.x, p.rect.y, st.cx, b.alpha, textScale);
        else if (p.shifted && p.index === 0) drawBubbleLeader(ctx, b.m, p.rect.y, st.cx, st.top, b.alpha, textScale);
      }
    }
  }

  private drawSprite(s: SpriteState, nowMs: number): void {
    const { ctx } = this;
    const px = Math.round(s.x);
    const py = Math.round(s.y);
    ctx.globalAlpha = s.reconnecting ? 0.4 : 1;
    // A soft shadow grounds the sprite on the map.
    ctx.fillStyle = 'rgba(0, 0, 0, 0.22)';
    ctx.beginPath();
    ctx.ellipse(px, py + 3, 8, 3, 0, 0, Math.PI * 2);
    ctx.fill();
    // Each player's walk cycle is phase-shifted by id so a crowd does not step in lockstep.
    const column = frameColumn(s.moving, nowMs, s.id * 97);
    drawFrame(ctx, this.assets, s.character, s.facing, column, px + SPRITE_OFFSET_X, py + SPRITE_OFFSET_Y, FRAME);
    ctx.globalAlpha = 1;
  }
}
