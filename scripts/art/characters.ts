// Character sprite sheets: 4 rows (down, left, right, up) x 4 columns
// (idle, then a 3-frame walk played 1,2,3,2) of 32x32 frames.
//
// Every frame is built from the same body-part functions; a Pose says where
// the moving parts go. The right-facing row is the left row mirrored, which
// guarantees the two side views always match.
import { Canvas, type Color, light, mix, shade } from './canvas.js';
import { BLUSH, type CharacterSpec, EYE, OUTLINE } from './palettes.js';

export const FRAME = 32;
type View = 'front' | 'side' | 'back';

interface Leg {
  /** Horizontal stride offset of the foot (side view; negative = forward). */
  readonly dx: number;
  /** How many pixels the foot is lifted off the ground. */
  readonly lift: number;
}

interface Pose {
  readonly view: View;
  /** Whole-body vertical offset: +1 sinks the body on the wide stride frames. */
  readonly bob: number;
  /** [near/left leg, far/right leg]. */
  readonly legs: readonly [Leg, Leg];
  /** Arm swing: front/back views lengthen (+) or shorten (-) the arm, the side
   *  view moves the hand forward (-) or back (+). */
  readonly arms: readonly [number, number];
}

const still: Leg = { dx: 0, lift: 0 };
const up: Leg = { dx: 0, lift: 1 };

// Columns: idle, left-foot step, passing, right-foot step. Arms swing opposite
// to the legs, as people walk.
const FRONT_POSES = (view: View): Pose[] => [
  { view, bob: 0, legs: [still, still], arms: [0, 0] },
  { view, bob: 1, legs: [still, up], arms: [-1, 1] },
  { view, bob: 0, legs: [still, still], arms: [0, 0] },
  { view, bob: 1, legs: [up, still], arms: [1, -1] },
];
const SIDE_POSES: Pose[] = [
  { view: 'side', bob: 0, legs: [still, still], arms: [0, 0] },
  { view: 'side', bob: 1, legs: [{ dx: -3, lift: 0 }, { dx: 3, lift: 0 }], arms: [3, -3] },
  { view: 'side', bob: 0, legs: [still, { dx: 1, lift: 1 }], arms: [0, 0] },
  { view: 'side', bob: 1, legs: [{ dx: 3, lift: 0 }, { dx: -3, lift: 0 }], arms: [-3, 3] },
];

// Body layout (bob = 0). Head is big and round: chibi proportions read best
// at 32 px. The head is 14 px wide centred on x = 15.5.
const HEAD_X = 9;
const HEAD_W = 14;
const HEAD_TOP = 5;
const HEAD_H = 12;
const TORSO_TOP = 17;
const TORSO_H = 7;
const GROUND = 28; // lowest shoe row

/** Everything a body-part function needs for one frame. */
interface Ctx {
  readonly c: Canvas;
  readonly s: CharacterSpec;
  readonly p: Pose;
  readonly hy: number; // head top row
  readonly ty: number; // torso top row
}

// ---------------------------------------------------------------- legs

function drawLegs(x: Ctx): void {
  const { c, s, p, ty } = x;
  const hip = ty + TORSO_H;
  // Far leg first so the near one overlaps it; the far one is shaded darker.
  const order = p.view === 'side' ? [1, 0] : [0, 1];
  for (const i of order) {
    const leg = p.legs[i] ?? still;
    const far = p.view === 'side' && i === 1;
    const pants = far ? shade(s.bottom, 0.35) : s.bottom;
    const shoe = far ? shade(s.shoes, 0.35) : s.shoes;
    const bottom = GROUND - leg.lift;
    const lx = p.view === 'side' ? 14 + i : i === 0 ? 12 : 17;
    for (let y = hip; y <= bottom - 2; y++) {
      // Side legs slant from the hip to the stride position.
      const off = Math.round((leg.dx * (y - hip + 1)) / (bottom - hip + 1));
      c.hline(lx + off, lx + off + 2, y, pants);
      if (p.view !== 'side') c.px(i === 0 ? lx + 2 : lx, y, shade(pants, 0.2));
    }
    if (p.view === 'side') {
      // Toe points forward (left).
      c.hline(lx + leg.dx, lx + leg.dx + 2, bottom - 1, shoe);
      c.hline(lx + leg.dx - 1, lx + leg.dx + 2, bottom, shade(shoe, 0.15));
    } else {
      c.hline(lx, lx + 2, bottom - 1, light(shoe, 0.15));
      c.hline(lx, lx + 2, bottom, shoe);
    }
  }
}

// ---------------------------------------------------------------- torso

function torsoSpan(view: View): [number, number] {
  return view === 'side' ? [12, 19] : [11, 20];
}

function drawTorso(x: Ctx): void {
  const { c, s, p, ty } = x;
  const [x0, x1] = torsoSpan(p.view);
  c.rect(x0, ty, x1 - x0 + 1, TORSO_H, s.top);
  // Light from the top-left: a shaded right edge gives the body volume.
  for (let y = ty; y < ty + TORSO_H; y++) c.px(x1, y, shade(s.top, 0.2));

  if (s.lower !== 'pants') {
    // Skirt flares just below the waist; a robe reaches the ankles.
    const hem = s.lower === 'robe' ? GROUND - 2 + p.bob : ty + TORSO_H + 1;
    const color = s.lower === 'robe' ? s.top : s.bottom;
    for (let y = ty + TORSO_H - 2; y <= hem; y++) {
      const flare = y >= ty + TORSO_H ? 1 : 0;
      c.hline(x0 - flare, x1 + flare, y, color);
      c.px(x1 + flare, y, shade(color, 0.2));
    }
    c.hline(x0 - 1, x1 + 1, hem, shade(color, 0.25));
    if (s.lower === 'skirt') c.hline(x0 - 1, x1 + 1, hem, s.trim);
  }

  if (p.view === 'front') drawCollar(x);
  else if (p.view === 'back') c.hline(x0 + 2, x1 - 2, ty, shade(s.top, 0.25));

  // Waist sash / kasaya band.
  if (s.sash === 'belt') {
    c.hline(x0, x1, ty + 4, s.sashColor);
    if (p.view === 'front') c.px(x0 + 3, ty + 5, s.sashColor); // dangling knot end
  } else if (s.sash === 'diagonal' && p.view !== 'side') {
    for (let i = 0; i < TORSO_H; i++) {
      const bx = p.view === 'front' ? x0 + 1 + i : x1 - 1 - i;
      c.hline(bx, bx + 1, ty + i, s.sashColor);
    }
  } else if (s.sash === 'diagonal') {
    c.hline(x0 + 2, x0 + 4, ty, s.sashColor);
  }
}

function drawCollar(x: Ctx): void {
  const { c, s, ty } = x;
  if (s.collar === 'cross') {
    // Wrap-over (jiaoling) collar: a small skin V and a diagonal edged lapel.
    c.hline(14, 17, ty, s.skin);
    c.px(15, ty + 1, s.skin);
    for (let i = 0; i < 4; i++) c.px(17 - i, ty + i, s.trim);
    c.px(14, ty, s.trim);
  } else if (s.collar === 'round') {
    c.hline(14, 17, ty, s.skin);
    c.hline(13, 18, ty + 1, s.trim);
    c.hline(14, 17, ty + 1, shade(s.top, 0.15));
  } else {
    // Hoodie: bunched hood at the neck, zip line and white drawstrings.
    c.hline(12, 19, ty, light(s.top, 0.25));
    for (let y = ty + 1; y < ty + TORSO_H; y++) c.px(15, y, shade(s.top, 0.3));
    c.px(13, ty + 1, s.trim);
    c.px(13, ty + 2, s.trim);
    c.px(18, ty + 1, s.trim);
    c.px(18, ty + 2, s.trim);
    c.hline(12, 19, ty + TORSO_H - 1, shade(s.top, 0.15)); // ribbed hem
  }
}

// ---------------------------------------------------------------- arms

function drawArm(x: Ctx, ax: number, swing: number, far: boolean): void {
  const { c, s, p, ty } = x;
  const sleeve = far ? shade(s.top, 0.45) : shade(s.top, 0.18);
  const hand = far ? shade(s.skin, 0.3) : s.skin;
  if (p.view === 'side') {
    // Arm hangs from the shoulder and rotates: lower rows drift further.
    for (let i = 0; i <= 5; i++) {
      const off = Math.round((swing * i) / 5);
      c.hline(ax + off, ax + off + 1, ty + i, i === 5 ? hand : sleeve);
      if (i < 5 && !far) c.px(ax + off + 1, ty + i, shade(s.top, 0.4)); // back edge separates arm from body
    }
    c.px(ax + Math.round((swing * 4) / 5), ty + 4, s.trim); // cuff
    return;
  }
  const len = 5 + swing; // sleeve rows, then the hand
  for (let i = 0; i < len; i++) c.hline(ax, ax + 1, ty + i, sleeve);
  c.hline(ax, ax + 1, ty + len - 1, s.trim); // cuff
  c.hline(ax, ax + 1, ty + len, hand);
}

// ---------------------------------------------------------------- head

function drawHead(x: Ctx): void {
  const { c, s, p, hy } = x;
  c.roundRect(HEAD_X, hy, HEAD_W, HEAD_H, s.skin, 2);
  c.hline(HEAD_X + 3, HEAD_X + HEAD_W - 4, hy + HEAD_H - 1, shade(s.skin, 0.18)); // chin shadow
  if (s.hairStyle === 'bald') {
    // Bare scalp: shine on the crown, darker back rim, ears showing.
    c.hline(12, 14, hy + 1, light(s.skin, 0.5));
    c.px(11, hy + 2, light(s.skin, 0.5));
    if (p.view !== 'side') {
      c.rect(HEAD_X - 1, hy + 6, 1, 2, shade(s.skin, 0.15));
      c.rect(HEAD_X + HEAD_W, hy + 6, 1, 2, shade(s.skin, 0.15));
    } else {
      c.rect(17, hy + 6, 2, 2, shade(s.skin, 0.15));
      c.px(18, hy + 7, shade(s.skin, 0.35));
    }
  }
  if (p.view === 'front') {
    c.rect(12, hy + 6, 1, 2, EYE);
    c.rect(19, hy + 6, 1, 2, EYE);
    c.px(11, hy + 8, mix(s.skin, BLUSH, 0.5));
    c.px(20, hy + 8, mix(s.skin, BLUSH, 0.5));
    c.hline(15, 16, hy + 9, shade(s.skin, 0.4));
  } else if (p.view === 'side') {
    c.rect(12, hy + 6, 1, 2, EYE);
    c.px(13, hy + 8, mix(s.skin, BLUSH, 0.5));
    c.px(10, hy + 9, shade(s.skin, 0.4));
    c.px(HEAD_X - 1, hy + 7, s.skin); // tip of the nose breaks the round profile
  }
}

/** Rows of a hair mask over the head's 14 columns: '#' hair, '.' none. */
type Mask = readonly string[];

function paintMask(c: Canvas, mask: Mask, x0: number, y0: number, color: Color): void {
  mask.forEach((row, j) => {
    for (let i = 0; i < row.length; i++) if (row[i] === '#') c.px(x0 + i, y0 + j, color);
  });
}

// Fringe rows painted under the shared hair cap (front view), from hy + 4.
const FRINGES: Record<string, Mask> = {
  short: ['##############', '###.##.###.###', '##..#......#.#', '#............#'],
  topknot: ['###........###', '##..........##', '#............#', '#............#'],
  long: ['######..######', '####......####', '###........###', '##..........##'],
  buns: ['##############', '##############', '##..........##', '#............#'],
};

/** How far down the back of the head hair reaches (rows below hy). */
const BACK_LENGTH: Record<string, number> = { short: 9, topknot: 8, long: 16, buns: 9 };

function drawHair(x: Ctx): void {
  const { c, s, p, hy } = x;
  if (s.hairStyle === 'bald') return;
  const hair = s.hair;
  const dark = shade(hair, 0.3);
  // Shared cap over the crown.
  c.hline(11, 20, hy - 1, hair);
  c.hline(10, 21, hy, hair);
  c.rect(HEAD_X, hy + 1, HEAD_W, 3, hair);
  const len = BACK_LENGTH[s.hairStyle] ?? 9;

  if (p.view === 'front') {
    paintMask(c, FRINGES[s.hairStyle] ?? [], HEAD_X, hy + 4, hair);
    if (s.hairStyle === 'long') {
      c.rect(HEAD_X - 1, hy + 4, 2, len - 4, hair); // locks framing the face
      c.rect(HEAD_X + HEAD_W - 1, hy + 4, 2, len - 4, hair);
      c.rect(HEAD_X + HEAD_W - 2, hy + 1, 2, 2, s.accent); // flower
      c.px(HEAD_X + HEAD_W - 2, hy + 1, light(s.accent, 0.6));
    }
  } else if (p.view === 'side') {
    c.rect(17, hy + 4, 6, len - 4, hair); // back of the head
    c.rect(16, hy + 4, 1, 2, hair); // sideburn
    if (s.hairStyle !== 'topknot') c.hline(HEAD_X, 13, hy + 4, hair); // fringe
    if (s.hairStyle !== 'topknot') c.px(HEAD_X + 1, hy + 5, hair);
    if (s.hairStyle === 'long') {
      c.rect(19, hy + 8, 4, len - 7, hair);
      c.rect(17, hy + 1, 2, 2, s.accent);
    }
    c.rect(17, hy + 6, 2, 2, s.skin); // ear
    c.px(18, hy + 7, shade(s.skin, 0.25));
  } else {
    c.roundRect(HEAD_X, hy - 1, HEAD_W, Math.min(len, 12) + 1, hair, 2);
    if (s.hairStyle === 'long') {
      // Hair falls down the back, narrowing to a soft point.
      for (let y = hy + 12; y <= hy + len; y++) {
        const inset = y >= hy + len - 1 ? 3 + (y - (hy + len - 1)) : 1;
        c.hline(HEAD_X + 1 + inset, HEAD_X + HEAD_W - 2 - inset, y, hair);
      }
      for (let y = hy + 3; y < hy + len - 1; y++) {
        c.px(13, y, dark);
        c.px(18, y, dark);
      }
      c.rect(HEAD_X + HEAD_W - 3, hy + 1, 2, 2, s.accent);
    } else {
      c.px(HEAD_X - 1, hy + 6, s.skin); // ears peek out
      c.px(HEAD_X + HEAD_W, hy + 6, s.skin);
    }
    if (s.hairStyle !== 'long') for (const sx of [12, 16, 19]) c.rect(sx, hy + len - 3, 1, 2, dark); // strands
  }
  // Shine: a short light band on the crown.
  if (p.view !== 'back') c.hline(12, 15, hy, light(hair, 0.35));

  if (s.hairStyle === 'topknot') drawTopknot(x);
  if (s.hairStyle === 'buns') drawBuns(x);
}

function drawTopknot(x: Ctx): void {
  const { c, s, p, hy } = x;
  const bx = p.view === 'side' ? 17 : 14;
  c.ellipse(bx, hy - 5, bx + 3, hy - 1, s.hair);
  c.px(bx + 1, hy - 4, light(s.hair, 0.35));
  c.hline(bx, bx + 3, hy - 1, s.accent); // ribbon tie
  if (p.view !== 'front') {
    c.px(bx + 4, hy, s.accent); // ribbon tails flutter behind
    c.px(bx + 5, hy + 1, s.accent);
  }
}

function drawBuns(x: Ctx): void {
  const { c, s, p, hy } = x;
  const spots = p.view === 'side' ? [17] : [6, 20];
  for (const bx of spots) {
    c.ellipse(bx, hy - 3, bx + 5, hy + 2, s.hair);
    c.px(bx + 1, hy - 2, light(s.hair, 0.4));
    c.hline(bx + 1, bx + 4, hy + 2, s.accent); // hair tie
  }
}

// ---------------------------------------------------------------- headwear

function drawConicalHat(x: Ctx): void {
  const { c, s, p, hy } = x;
  const straw = s.headwearColor;
  // Half-widths of the cone from the tip down to the brim.
  const widths = [1, 2, 4, 5, 7, 9, 11, 10];
  widths.forEach((hw, j) => {
    const y = hy - 4 + j;
    c.hline(16 - hw, 15 + hw, y, j === widths.length - 1 ? shade(straw, 0.3) : straw);
    // Woven ribs radiate from the tip.
    if (j > 1 && j < widths.length - 1) {
      for (const r of [-0.55, 0, 0.55]) c.px(Math.round(15.5 + r * hw), y, shade(straw, 0.15));
    }
  });
  c.hline(12, 14, hy - 1, light(straw, 0.4));
  if (p.view !== 'back') c.hline(HEAD_X + 1, HEAD_X + HEAD_W - 2, hy + 4, shade(s.skin, 0.3)); // brim shadow
}

function drawHood(x: Ctx, back: boolean): void {
  const { c, s, p, hy, ty } = x;
  const cloth = s.headwearColor;
  const inner = shade(cloth, 0.45);
  if (back) {
    // The part of the hood behind the head, plus its point.
    c.roundRect(HEAD_X - 2, hy - 3, HEAD_W + 4, 16, cloth, 4);
    if (p.view !== 'front') c.rect(p.view === 'side' ? 21 : 15, hy - 4, 2, 2, cloth);
    return;
  }
  if (p.view === 'back') {
    c.roundRect(HEAD_X - 2, hy - 3, HEAD_W + 4, 16, cloth, 4);
    c.rect(15, hy - 4, 2, 2, cloth);
    for (let y = hy; y < hy + 11; y += 2) c.px(15, y, shade(cloth, 0.2)); // seam
  } else if (p.view === 'front') {
    c.roundRect(HEAD_X - 2, hy - 3, HEAD_W + 4, 7, cloth, 4); // over the crown
    c.rect(HEAD_X - 2, hy + 2, 3, 10, cloth);
    c.rect(HEAD_X + HEAD_W - 1, hy + 2, 3, 10, cloth);
    c.hline(HEAD_X + 1, HEAD_X + HEAD_W - 2, hy + 4, inner); // shadow inside the rim
    c.rect(HEAD_X + 1, hy + 4, 1, 7, inner);
    c.rect(HEAD_X + HEAD_W - 2, hy + 4, 1, 7, inner);
    c.hline(12, 15, hy - 2, light(cloth, 0.3));
  } else {
    c.roundRect(HEAD_X - 1, hy - 3, HEAD_W + 3, 7, cloth, 4);
    c.rect(HEAD_X - 1, hy, HEAD_W + 3, 4, cloth); // square off the brow
    c.rect(16, hy + 2, 8, 11, cloth);
    c.rect(15, hy + 4, 1, 7, inner);
    c.hline(HEAD_X, 15, hy + 4, inner);
    c.hline(11, 14, hy - 2, light(cloth, 0.3));
  }
  // Short mantle over the shoulders.
  const [x0, x1] = torsoSpan(p.view);
  c.roundRect(x0 - 2, ty, x1 - x0 + 5, 3, cloth, 1);
  c.hline(x0 - 1, x1 + 1, ty + 2, shade(cloth, 0.25));
  if (p.view === 'front') c.rect(15, ty, 2, 2, s.trim); // clasp
}

// ---------------------------------------------------------------- props

/** A jian slung diagonally across the back (hidden by the body from the front). */
function drawSword(x: Ctx): void {
  const { c, p, ty } = x;
  // Hilt end (upper) to scabbard tip (lower); from the side it leans back so
  // it shows behind the shoulders.
  const [sx, ex] = p.view === 'back' ? [22, 10] : [23, 19];
  const steps = 11;
  for (let i = 0; i <= steps; i++) {
    const px = Math.round(sx + ((ex - sx) * i) / steps);
    const color = i < 3 ? 0x3a2a3a : i === 3 ? 0xd9a441 : 0x5b3a2e; // grip, guard, scabbard
    c.hline(px, px + 1, ty - 5 + i, color);
  }
}

// ---------------------------------------------------------------- frames

function drawFrame(s: CharacterSpec, p: Pose): Canvas {
  const c = new Canvas(FRAME, FRAME);
  const x: Ctx = { c, s, p, hy: HEAD_TOP + p.bob, ty: TORSO_TOP + p.bob };
  const hood = s.headwear === 'hood';
  const longHair = s.hairStyle === 'long' && !hood;

  // Painter's order, back to front. What counts as "behind" depends on view.
  if (s.sword && p.view === 'side') drawSword(x);
  if (longHair && p.view === 'front') c.rect(HEAD_X - 1, x.hy + 6, HEAD_W + 2, 9, s.hair);
  if (hood && p.view !== 'back') drawHood(x, true);
  if (p.view === 'side') drawArm(x, 15, p.arms[1], true);
  drawLegs(x);
  drawTorso(x);
  if (s.sword && p.view === 'back') drawSword(x);
  if (p.view === 'side') {
    drawHead(x);
    drawHair(x);
    drawArm(x, 15, p.arms[0], false);
  } else {
    drawArm(x, 9, p.arms[0], false);
    drawArm(x, 21, p.arms[1], false);
    drawHead(x);
    drawHair(x);
  }
  if (s.headwear === 'conical') drawConicalHat(x);
  if (hood) drawHood(x, false);
  c.outline(OUTLINE);
  return c;
}

/** Build a 128x128 sheet: rows down, left, right, up. */
export function drawCharacterSheet(s: CharacterSpec): Canvas {
  const sheet = new Canvas(FRAME * 4, FRAME * 4);
  const rows: Canvas[][] = [
    FRONT_POSES('front').map((p) => drawFrame(s, p)),
    SIDE_POSES.map((p) => drawFrame(s, p)),
    SIDE_POSES.map((p) => drawFrame(s, p).flipX()),
    FRONT_POSES('back').map((p) => drawFrame(s, p)),
  ];
  rows.forEach((row, r) => row.forEach((f, col) => sheet.blit(f, col * FRAME, r * FRAME)));
  return sheet;
}
