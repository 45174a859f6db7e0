/** The system clock, counting live timers: leak checks assert that the count returns to normal. */
import type { Clock, TimerHandle } from '../../src/shared/clock.js';
import { systemClock } from '../../src/shared/system-clock.js';

export function countingClock(): Clock & { active(): number } {
  const live = new Set<TimerHandle>();
  return {
    now: () => systemClock.now(),
    wallMs: () => systemClock.wallMs(),
    setTimeout(fn, ms) {
      const h: TimerHandle = systemClock.setTimeout(() => {
        live.delete(h);
        fn();
      }, ms);
      live.add(h);
      return h;
    },
    clearTimeout(h) {
      live.delete(h);
      systemClock.clearTimeout(h);
    },
    active: () => live.size,
  };
}
