/**
 * Time, injected. Server, client core and netsim never read the wall clock or start timers
 * directly, so tests and a future multi-process deployment can supply their own.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Milliseconds since the Unix epoch, for timestamps people read (chat lines); not for durations. */
  wallMs(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly __timer: unique symbol;
}
