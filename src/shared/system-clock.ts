/**
 * The real clock, for composition roots. Declared here against the timer functions that both Node
 * and browsers provide, so shared code needs neither runtime's type definitions.
 */
import type { Clock, TimerHandle } from './clock.js';

declare const performance: { now(): number };
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

export const systemClock: Clock = {
  now: () => performance.now(),
  wallMs: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as TimerHandle,
  clearTimeout: (h) => clearTimeout(h),
};
