/**
 * What this tab last drew of the world, kept in sessionStorage (per tab, survives a reload): the
 * world size, the sprites (own character, the roster with last known positions) and the camera.
 * A reload, also one served from the service worker while the network is down, draws this at once
 * as a still picture, under the "reconnecting" indicator, until the server's welcome replaces it.
 * Read back as plain checked data; anything malformed is ignored.
 */
import type { SpriteState } from './renderer.js';

const KEY = 'tether.world.v1';
/** A roster this big still fits sessionStorage easily (~100 bytes a sprite). */
const MAX_SPRITES = 2000;

export interface LastWorld {
  /** The name the tab was playing as: a picture of another player's world is not shown. */
  readonly name: string;
  readonly widthUnits: number;
  readonly heightUnits: number;
  readonly sprites: readonly SpriteState[];
  readonly focus: { readonly x: number; readonly y: number };
  readonly savedAtMs: number;
}

export function saveLastWorld(world: LastWorld): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ ...world, sprites: world.sprites.slice(0, MAX_SPRITES) }));
  } catch {
    // Quota or disabled storage: a reload then waits for the server, as before.
  }
}

export function clearLastWorld(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing to clear
  }
}

export function loadLastWorld(name: string): LastWorld | null {
  let raw: unknown;
  try {
    raw = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
  if (!isRecord(raw) || raw['name'] !== name) return null;
  const { widthUnits, heightUnits, savedAtMs, focus, sprites } = raw;
  if (!isNum(widthUnits) || !isNum(heightUnits) || !isNum(savedAtMs) || !isRecord(focus) || !isNum(focus['x']) || !isNum(focus['y']) || !Array.isArray(sprites)) return null;
  const out: SpriteState[] = [];
  for (const s of sprites.slice(0, MAX_SPRITES)) {
    if (!isRecord(s)) continue;
    const { id, name: n, character, x, y, facing, self, reconnecting } = s;
    if (!isNum(id) || typeof n !== 'string' || !isNum(character) || !isNum(x) || !isNum(y) || !isNum(facing)) continue;
    // Still: nobody walks in a remembered picture.
    out.push({ id, name: n, character, x, y, facing, moving: false, self: self === true, reconnecting: reconnecting === true });
  }
  return { name, widthUnits, heightUnits, sprites: out, focus: { x: focus['x'], y: focus['y'] }, savedAtMs };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
