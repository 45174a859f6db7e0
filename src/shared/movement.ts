/**
 * The deterministic movement step: one tick of walking for one body. The server integrates every
 * player with it and client prediction replays unacknowledged inputs with it, so both must produce
 * bit-identical results from identical inputs: plain arithmetic, no time source, no randomness,
 * positions quantised (see POSITION_SCALE) after each step.
 *
 * Obstacles (terrain.ts) are resolved one axis at a time, x first: a body walking diagonally into
 * a wall keeps the along-the-wall part of its step (it slides), a body walking into a corner stops
 * flush. Each axis only ever shortens, so a blocked step is never longer than a free one. The
 * terrain comes from the rules (the same world size gives the same map everywhere) unless a caller
 * passes one, as tests do.
 */
import { limitX, limitY, terrainFor, type Terrain } from './terrain.js';
import { POSITION_SCALE, quantise, type WorldRules } from './world-rules.js';

/** Pressed directions as a bit set; this is what clients send, never positions. */
export const DIR_UP = 1;
export const DIR_DOWN = 2;
export const DIR_LEFT = 4;
export const DIR_RIGHT = 8;
export const DIR_MASK = 15;

/** Facing, also the row of a character sprite sheet. */
export const FACING_DOWN = 0;
export const FACING_LEFT = 1;
export const FACING_RIGHT = 2;
export const FACING_UP = 3;
export type Facing = 0 | 1 | 2 | 3;

export interface Body {
  readonly x: number;
  readonly y: number;
  readonly facing: Facing;
  readonly moving: boolean;
}

/** Half the size of a character's footprint: bodies stay fully inside the world. */
export const BODY_MARGIN_UNITS = 8;

const DIAGONAL = Math.SQRT1_2;

export function stepBody(body: Body, dirs: number, rules: WorldRules, terrain: Terrain = terrainFor(rules)): Body {
  let dx = 0;
  let dy = 0;
  if (dirs & DIR_UP) dy -= 1;
  if (dirs & DIR_DOWN) dy += 1;
  if (dirs & DIR_LEFT) dx -= 1;
  if (dirs & DIR_RIGHT) dx += 1;
  if (dx === 0 && dy === 0) {
    return body.moving ? { ...body, moving: false } : body;
  }
  const scale = dx !== 0 && dy !== 0 ? DIAGONAL : 1;
  const stepUnits = rules.speedUnitsPerS / rules.tickRateHz;
  const wantX = clamp(body.x + dx * scale * stepUnits, BODY_MARGIN_UNITS, rules.widthUnits - BODY_MARGIN_UNITS);
  const wantY = clamp(body.y + dy * scale * stepUnits, BODY_MARGIN_UNITS, rules.heightUnits - BODY_MARGIN_UNITS);
  const x = limitX(terrain, body.x, quantiseDown(wantX, body.x), body.y);
  const y = limitY(terrain, body.y, quantiseDown(wantY, body.y), x);
  // Pressing against an obstacle turns the body but does not walk it in place.
  return { x, y, facing: facingOf(dx, dy, body.facing), moving: x !== body.x || y !== body.y };
}

/**
 * Rounds a new coordinate to the wire grid without ever rounding *away* from where the body was,
 * so quantisation can never add distance and push a step past the speed limit.
 */
function quantiseDown(next: number, prev: number): number {
  const q = quantise(next);
  if (Math.abs(q - prev) <= Math.abs(next - prev)) return q;
  return next > prev ? q - 1 / POSITION_SCALE : q + 1 / POSITION_SCALE;
}

function facingOf(dx: number, dy: number, previous: Facing): Facing {
  // Horizontal wins on diagonals, like most top-down RPGs: the side view reads better.
  if (dx < 0) return 1;
  if (dx > 0) return 2;
  if (dy < 0) return 3;
  if (dy > 0) return 0;
  return previous;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
