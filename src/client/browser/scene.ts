/**
 * Turns the client's view of the world into the sprite list the renderer draws, for one frame
 * time. Positions come from `client.view.frame(now)` (core/render-state.ts): the own player is
 * the prediction plus the elapsed part of the current input tick, with corrections smoothed;
 * everyone else is interpolated a little behind the server on the adaptive playback clock.
 * Names, characters and presence come from the roster.
 */
import type { TetherClient } from '../core/tether-client.js';
import type { SpriteState } from './renderer.js';

export interface Scene {
  readonly sprites: SpriteState[];
  readonly focus: { x: number; y: number } | null;
}

export function buildScene(client: TetherClient, nowMs: number): Scene {
  const frame = client.view.frame(nowMs);
  const sprites: SpriteState[] = [];
  for (const [id, body] of frame.others) {
    const info = client.players.get(id)?.info;
    if (!info) continue;
    const reconnecting = info.state === 'reconnecting';
    // A reconnecting player stands still where it was last seen, whatever extrapolation guessed.
    sprites.push({ id, name: info.name, character: info.character, x: body.x, y: body.y, facing: body.facing, moving: body.moving && !reconnecting, self: false, reconnecting });
  }
  const me = client.self?.info;
  const self = frame.self;
  if (self && me) {
    sprites.push({ id: self.id, name: me.name, character: me.character, x: self.x, y: self.y, facing: self.facing, moving: self.moving, self: true, reconnecting: false });
  }
  return { sprites, focus: self ? { x: self.x, y: self.y } : null };
}
