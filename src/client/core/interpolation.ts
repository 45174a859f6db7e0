/**
 * Entity interpolation for other players: they are drawn where they were some time ago on the
 * server's tick timeline (the playhead, see playback-clock.ts), between the two buffered states
 * around that time.
 *
 * States are per server tick (world-view.ts feeds one per tick while a body moves, and one per
 * record). A state says "at `timeMs` the body was here; `moving`: it moved during the step that
 * ended at `timeMs`". Two rules follow from that:
 * - a segment that starts on a standing state and spans several steps is a body that stood, then
 *   walked only in the last step: it holds, then moves (no slow creep across the pause);
 * - data that is late is extrapolated along the last step's velocity for at most
 *   MAX_EXTRAPOLATION_MS, then the body holds still (and is reported as not moving).
 * A late burst (TCP releasing a stalled segment) simply fills the buffer; the playhead, not the
 * arrivals, sets the speed, so bursts are played at normal speed.
 *
 * Sampling is cheap and forgets states the playhead has passed, so the playhead must not go back
 * (PlaybackClock guarantees that); `peek` samples without forgetting, for tools.
 */
import type { Facing } from '../../shared/movement.js';

export interface TimedState {
  readonly timeMs: number;
  readonly x: number;
  readonly y: number;
  readonly facing: Facing;
  readonly moving: boolean;
}

/** The longest a body is carried forward past its newest state before it holds. */
export const MAX_EXTRAPOLATION_MS = 150;
/** The server step the states are spaced by, when the caller does not say (20 Hz). */
export const DEFAULT_STEP_MS = 50;
const BUFFER_LIMIT = 64;

export class InterpolationBuffer {
  private readonly states: TimedState[] = [];
  /** Spacing of server steps; set from the world rules by whoever knows them. */
  stepMs = DEFAULT_STEP_MS;

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

  get oldest(): TimedState | undefined {
    return this.states[0];
  }

  get size(): number {
    return this.states.length;
  }

  /** Where the body was at `timeMs`; forgets states more than one before `timeMs`. */
  sample(timeMs: number, maxExtrapolationMs = MAX_EXTRAPOLATION_MS): TimedState | undefined {
    const s = this.states;
    // Drop states we have played past, keeping one before the playhead.
    while (s.length > 2 && s[1]!.timeMs <= timeMs) s.shift();
    return sampleStates(s, timeMs, this.stepMs, maxExtrapolationMs);
  }

  /** Like sample, without forgetting anything. */
  peek(timeMs: number, maxExtrapolationMs = MAX_EXTRAPOLATION_MS): TimedState | undefined {
    return sampleStates(this.states, timeMs, this.stepMs, maxExtrapolationMs);
  }
}

/** Samples a time-ordered state list at `timeMs` (binary search; the list is not changed). */
export function sampleStates(s: readonly TimedState[], timeMs: number, stepMs: number, maxExtrapolationMs = MAX_EXTRAPOLATION_MS): TimedState | undefined {
  if (s.length === 0) return undefined;
  const first = s[0]!;
  if (timeMs <= first.timeMs) return { ...first, timeMs };
  const last = s[s.length - 1]!;
  if (timeMs >= last.timeMs) return extrapolate(s.length > 1 ? s[s.length - 2] : undefined, last, timeMs, stepMs, maxExtrapolationMs);
  let lo = 0;
  let hi = s.length - 1; // s[lo].timeMs < timeMs < s[hi].timeMs after the loop
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (s[mid]!.timeMs <= timeMs) lo = mid;
    else hi = mid;
  }
  return between(s[lo]!, s[hi]!, timeMs, stepMs);
}

function between(a: TimedState, b: TimedState, timeMs: number, stepMs: number): TimedState {
  let start = a.timeMs;
  // A body that stood at `a` and is seen moving at `b` several steps later walked only the last step.
  if (!a.moving && b.moving && b.timeMs - a.timeMs > stepMs * 1.5) start = b.timeMs - stepMs;
  if (timeMs <= start) return { timeMs, x: a.x, y: a.y, facing: a.facing, moving: false };
  const t = (timeMs - start) / (b.timeMs - start);
  return { timeMs, x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, facing: b.facing, moving: b.moving };
}

function extrapolate(prev: TimedState | undefined, last: TimedState, timeMs: number, stepMs: number, maxMs: number): TimedState {
  const over = timeMs - last.timeMs;
  if (!prev || !last.moving || over <= 0) return { ...last, timeMs, moving: last.moving && over <= 0 };
  // Velocity of the last step (a standing `prev` long ago means the body just started: one step).
  const span = !prev.moving && last.timeMs - prev.timeMs > stepMs * 1.5 ? stepMs : last.timeMs - prev.timeMs;
  if (span <= 0) return { ...last, timeMs };
  const ahead = Math.min(over, maxMs);
  const k = ahead / span;
  return { timeMs, x: last.x + (last.x - prev.x) * k, y: last.y + (last.y - prev.y) * k, facing: last.facing, moving: over < maxMs };
}
