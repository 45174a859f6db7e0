// Tiny RGBA drawing surface for the art generator. Everything is opaque-or-
// transparent (no blending) because pixel art wants crisp, exact colours.
import { PNG } from 'pngjs';

/** 0xRRGGBB; a drawn pixel is always fully opaque. */
export type Color = number;

export class Canvas {
  readonly data: Uint8Array;

  constructor(
    readonly w: number,
    readonly h: number,
  ) {
    this.data = new Uint8Array(w * h * 4);
  }

  inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.w && y < this.h;
  }

  /** Plot one pixel; silently clipped so callers can draw near edges freely. */
  px(x: number, y: number, c: Color): void {
    if (!this.inside(x, y)) return;
    const i = (y * this.w + x) * 4;
    this.data[i] = (c >> 16) & 255;
    this.data[i + 1] = (c >> 8) & 255;
    this.data[i + 2] = c & 255;
    this.data[i + 3] = 255;
  }

  /** Plot with wrap-around, so texture details crossing an edge reappear on
   *  the opposite side and tiles stay seamless. */
  pxWrap(x: number, y: number, c: Color): void {
    this.px(((x % this.w) + this.w) % this.w, ((y % this.h) + this.h) % this.h, c);
  }

  get(x: number, y: number): Color | null {
    if (!this.inside(x, y)) return null;
    const i = (y * this.w + x) * 4;
    if (this.data[i + 3] === 0) return null;
    return ((this.data[i] ?? 0) << 16) | ((this.data[i + 1] ?? 0) << 8) | (this.data[i + 2] ?? 0);
  }

  /** Inclusive x0..x1 horizontal run (order-insensitive). */
  hline(x0: number, x1: number, y: number, c: Color): void {
    for (let x = Math.min(x0, x1); x <= Math.max(x0, x1); x++) this.px(x, y, c);
  }

  rect(x: number, y: number, w: number, h: number, c: Color): void {
    for (let j = 0; j < h; j++) this.hline(x, x + w - 1, y + j, c);
  }

  /** Rectangle with its four corners shaved diagonally by `cut` pixels:
   *  the basic "rounded" blob used for heads, hair and bushes. */
  roundRect(x: number, y: number, w: number, h: number, c: Color, cut = 1): void {
    for (let j = 0; j < h; j++) {
      const edge = Math.min(j, h - 1 - j);
      const inset = Math.max(0, cut - edge);
      this.hline(x + inset, x + w - 1 - inset, y + j, c);
    }
  }

  /** Filled ellipse inscribed in the inclusive box; sampling pixel centres
   *  keeps even-sized ellipses perfectly symmetric. */
  ellipse(x0: number, y0: number, x1: number, y1: number, c: Color, wrap = false): void {
    const cx = (x0 + x1 + 1) / 2;
    const cy = (y0 + y1 + 1) / 2;
    const rx = (x1 - x0 + 1) / 2;
    const ry = (y1 - y0 + 1) / 2;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) (wrap ? this.pxWrap(x, y, c) : this.px(x, y, c));
      }
    }
  }

  /** 1-px outline around every opaque shape (4-neighbourhood, which leaves
   *  corners soft instead of boxy). */
  outline(c: Color): void {
    const edge: number[] = [];
    for (let y = 0; y < this.h; y++) {
      for (let x = 0; x < this.w; x++) {
        if (this.get(x, y) !== null) continue;
        const near =
          this.get(x - 1, y) !== null ||
          this.get(x + 1, y) !== null ||
          this.get(x, y - 1) !== null ||
          this.get(x, y + 1) !== null;
        if (near) edge.push(x, y);
      }
    }
    for (let i = 0; i < edge.length; i += 2) this.px(edge[i] ?? 0, edge[i + 1] ?? 0, c);
  }

  flipX(): Canvas {
    const out = new Canvas(this.w, this.h);
    for (let y = 0; y < this.h; y++) {
      for (let x = 0; x < this.w; x++) {
        const c = this.get(x, y);
        if (c !== null) out.px(this.w - 1 - x, y, c);
      }
    }
    return out;
  }

  /** Copy opaque pixels of `src` onto this canvas at (dx, dy), scaled by an
   *  integer factor (nearest neighbour). */
  blit(src: Canvas, dx: number, dy: number, scale = 1): void {
    for (let y = 0; y < src.h * scale; y++) {
      for (let x = 0; x < src.w * scale; x++) {
        const c = src.get(Math.floor(x / scale), Math.floor(y / scale));
        if (c !== null) this.px(dx + x, dy + y, c);
      }
    }
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.w, height: this.h });
    png.data.set(this.data);
    return PNG.sync.write(png);
  }
}

function channelMix(a: Color, b: Color, t: number, shift: number): number {
  const ca = (a >> shift) & 255;
  const cb = (b >> shift) & 255;
  return Math.round(ca + (cb - ca) * t) << shift;
}

/** Linear blend of two colours (t = 0 gives a, t = 1 gives b). */
export function mix(a: Color, b: Color, t: number): Color {
  return channelMix(a, b, t, 16) | channelMix(a, b, t, 8) | channelMix(a, b, t, 0);
}

// Shadows lean toward cool purple and highlights toward warm cream, the usual
// pixel-art hue shift that keeps shading from looking muddy.
export const shade = (c: Color, t = 0.3): Color => mix(c, 0x2a1b3d, t);
export const light = (c: Color, t = 0.3): Color => mix(c, 0xfff6dc, t);
