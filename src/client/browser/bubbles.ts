/**
 * Speech bubbles: the recent chat lines of each player, shown over their head for a few seconds.
 * Only state lives here; labels.ts draws them.
 */
export const BUBBLE_MS = 5000;
const FADE_MS = 400;
const MAX_PER_PLAYER = 2;

interface Bubble {
  readonly text: string;
  readonly untilMs: number;
}

export class Bubbles {
  private readonly byPlayer = new Map<number, Bubble[]>();

  add(playerId: number, text: string, nowMs: number): void {
    const list = this.byPlayer.get(playerId) ?? [];
    list.push({ text, untilMs: nowMs + BUBBLE_MS });
    while (list.length > MAX_PER_PLAYER) list.shift();
    this.byPlayer.set(playerId, list);
  }

  /** The live bubbles of a player, oldest first, each with its opacity. */
  current(playerId: number, nowMs: number): Array<{ text: string; alpha: number }> {
    const list = this.byPlayer.get(playerId);
    if (!list) return [];
    const live = list.filter((b) => b.untilMs > nowMs);
    if (live.length === 0) {
      this.byPlayer.delete(playerId);
      return [];
    }
    if (live.length !== list.length) this.byPlayer.set(playerId, live);
    return live.map((b) => ({ text: b.text, alpha: Math.min(1, (b.untilMs - nowMs) / FADE_MS) }));
  }

  forget(playerId: number): void {
    this.byPlayer.delete(playerId);
  }
}
