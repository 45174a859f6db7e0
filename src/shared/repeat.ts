/**
 * A repeating timer on the injected clock (the Clock has one-shot timers only). Each run is
 * scheduled `everyMs` after the previous one started, so a slow run delays the next one rather
 * than stacking runs; good for housekeeping (liveness checks, samples, flushes), not for ticks
 * (see server/game/tick-loop.ts for a schedule that does not drift).
 */
import type { Clock, TimerHandle } from './clock.js';

export interface Repeating {
  stop(): void;
}

export function repeat(clock: Clock, everyMs: number, fn: () => void): Repeating {
  let timer: TimerHandle | null = null;
  let stopped = false;
  const run = () => {
    timer = clock.setTimeout(run, everyMs);
    fn();
  };
  timer = clock.setTimeout(run, everyMs);
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
