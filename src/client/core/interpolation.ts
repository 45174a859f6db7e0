/**
 * Entity interpolation for other players: they are drawn where they were `delayMs` ago on the
 * server's timeline, between the two buffered states around that time. Data that is late is
 * extrapolated for at most MAX_EXTRAPOLATION_MS, then the player holds still; a late burst
 * (TCP releasing a stalled segment) simply fills the buffer and is played at normal speed.
 */
import type { Facing } from '../../shared/movement.js';

export interface TimedState {
  readonly timeMs: number;
  readonly x: number;
  readonly y: number;
  readonly facing: Facing;
  readonly moving: boolean;
}

export const MAX_EXTRAPOLATION_MS = 150;
const BUFFER_LIMIT = 64;

export class InterpolationBuffer {
  private readonly states: TimedState[] = [];

  push(state: TimedState): void {
    const last = this.states.at(-1);
    if (last && state.timeMs <= last.timeMs) return;
    this.states.push(state);
    if (this.states.length > BUFFER_LIMIT) this.states.shift();
  }

  /** Replaces the history with one state (teleport, resume, first sight). */
  reset(state: TimedState): void {
    this.states.length = 0;
    this.states.push(state);
  }

  get latest(): TimedState | undefined {
    return this.states.at(-1);
  }

  get size(): number {
    return this.states.length;
  }

  sample(timeMs: number): TimedState | undefined {
    const s = this.states;
    if (s.length === 0) return undefined;
    const first = s[0]!;
    if (timeMs <= first.timeMs) return first;
    // Drop states we have played past, keeping one before the playhead.
    while (s.length > 2 && s[1]!.timeMs <= timeMs) s.shift();
    const a = s[0]!;
    const b = s[1];
    if (!b) return extrapolate(undefined, a, timeMs);
    if (timeMs >= b.timeMs) return extrapolate(a, b, timeMs);
    const t = (timeMs - a.timeMs) / (b.timeMs - a.timeMs);
    return { timeMs, x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, facing: b.facing, moving: a.moving || b.moving };
  }
}

function extrapolate(prev: TimedState | undefined, last: TimedState, timeMs: number): TimedState {
  if (!prev || !last.moving) return { ...last, timeMs, moving: last.moving && timeMs - last.timeMs < MAX_EXTRAPOLATION_MS };
  const ahead = Math.min(timeMs - last.timeMs, MAX_EXTRAPOLATION_MS);
  const span = last.timeMs - prev.timeMs;
  if (span <= 0) return last;
  const k = ahead / span;
  return { timeMs, x: last.x + (last.x - prev.x) * k, y: last.y + (last.y - prev.y) * k, facing: last.facing, moving: ahead < MAX_EXTRAPOLATION_MS };
}
