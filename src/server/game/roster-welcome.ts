/**
 * A welcome that stays small as the world grows: it lists the WELCOME_PLAYERS players nearest
 * to the joiner (what its screen shows first) and says how many more there are; the rest of
 * the roster follows in `roster` messages, ROSTER_CHUNK players each, paced by the drip feed.
 * Chunks are encoded as they leave, from the world as it is then: a player who left meanwhile
 * is skipped (the client got `left` for it), one who joined came with `joined`.
 */
import { encodeMessage, type PlayerInfo } from '../../shared/protocol.js';
import type { DripSource } from './drip-feed.js';

export const WELCOME_PLAYERS = 64;
export const ROSTER_CHUNK = 48;

interface Placed {
  readonly id: number;
}

/** The `n` items nearest to (x, y), nearest first, and the others (in no order). */
export function splitNearest<T extends Placed>(items: Iterable<T>, x: number, y: number, n: number, posOf: (item: T) => { x: number; y: number }): { near: T[]; rest: T[] } {
  const scored: Array<{ item: T; d: number }> = [];
  for (const item of items) {
    const p = posOf(item);
    scored.push({ item, d: (p.x - x) ** 2 + (p.y - y) ** 2 });
  }
  if (scored.length <= n) return { near: scored.sort((a, b) => a.d - b.d).map((s) => s.item), rest: [] };
  scored.sort((a, b) => a.d - b.d);
  return { near: scored.slice(0, n).map((s) => s.item), rest: scored.slice(n).map((s) => s.item) };
}

/** The rest of the roster as `roster` messages; the last one has `rest: 0`, even if it lists nobody. */
export function rosterSource(ids: readonly number[], infoOf: (id: number) => PlayerInfo | undefined): DripSource {
  let i = 0;
  let done = false;
  return {
    next() {
      if (done) return null;
      const players: PlayerInfo[] = [];
      while (i < ids.length && players.length < ROSTER_CHUNK) {
        const info = infoOf(ids[i++]!);
        if (info) players.push(info);
      }
      const rest = ids.length - i;
      if (rest === 0) done = true;
      return Buffer.from(encodeMessage({ t: 'roster', players, rest }), 'utf8');
    },
    get done() {
      return done;
    },
  };
}
