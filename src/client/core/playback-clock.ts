/**
 * The playhead for other players: which moment of the server's tick timeline to draw now, with a
 * playback delay that adapts to the measured jitter of snapshot arrivals.
 *
 * Measuring. Every state frame gives a transit sample D = arrival (client clock) - tick time
 * (tick * tickMs). Its absolute value is meaningless (the clocks are unrelated); what matters is
 * the spread. The smallest D of the window is the least-delayed arrival: `timeline(now) = now -
 * min D` is the newest tick time data could have by now. A frame's lateness is D - min D.
 *
 * Choosing the delay. To always have a state after the playhead, the playhead must stay behind
 * the timeline by one frame interval plus the lateness of the next frame. The target delay is one
 * interval + the QUANTILE (98 %) of lateness over the last WINDOW frames + a small margin,
 * clamped to [minDelayMs, maxDelayMs]; it starts at `initialDelayMs` (100 ms at 20 Hz: two
 * update intervals, as Source does) until enough frames were measured.
 *
 * Moving the playhead. It advances with the client clock at rate 1, gently steered (at most 8 %
 * faster or 10 % slower) towards the target, so the delay changes without visible speed changes:
 * - a TCP late burst changes nothing: arrivals fill the buffer, the playhead keeps its pace;
 * - data later than the delay: the playhead may run at most `maxExtrapolationMs` past the newest
 *   tick (bodies are extrapolated there), and slows down as it uses that allowance up: the rate
 *   falls with the headroom left (rate = headroom / maxExtrapolationMs), so the playhead closes
 *   in on the limit without reaching it for several times the allowance. A stall of a few hundred
 *   milliseconds past the delay is drawn as a brief slow-down instead of a freeze; a longer one
 *   ends in a hold. When the burst comes the playback continues from where it is, with no jump,
 *   simply further behind; it then drifts back to the target at most 8 % fast;
 * - far behind (after an outage or resume, more than CATCH_UP_LIMIT_MS): it jumps to the target.
 * The playhead never goes back, so interpolation buffers may forget what it has passed.
 *
 * No timers: the client feeds it frames (`onFrame`) and the renderer asks `update(now)` once per
 * frame (cheap to call more often: the same `now` does not advance it).
 */

export interface PlaybackClockOptions {
  /** Server tick length (1000 / tickRateHz). */
  readonly tickMs?: number;
  readonly initialDelayMs?: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxExtrapolationMs?: number;
}

/** Frames of history the jitter is measured over (20 s at 20 Hz). */
export const WINDOW = 400;
/**
 * Fraction of frames that must arrive before the playhead needs them. 98 %, not 95 %: on links
 * with short stalls (bufferbloat, mobile) the 95th percentile left every stall longer than about
 * 100 ms to show as a stutter; the 98th covers them for 60-100 ms more delay (bench:smooth).
 */
export const QUANTILE = 0.98;
/** Frames measured before the target moves away from the initial delay. */
const MIN_SAMPLES = 20;
/** Added to the target: frame timing and event-loop noise. */
const MARGIN_MS = 10;
const MAX_SPEEDUP = 0.08;
const MAX_SLOWDOWN = 0.1;
/** Delay error (ms) that earns the full speed-up or slow-down. */
const STEER_MS = 1000;
/** Behind the target by more than this: jump instead of catching up. */
export const CATCH_UP_LIMIT_MS = 1500;
const RECOMPUTE_EVERY_MS = 200;

export class PlaybackClock {
  private tick: number;
  initialDelayMs: number;
  minDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxExtrapolationMs: number;
  /** The delay the playhead is steered to. */
  targetDelayMs: number;
  /** Lateness quantile of the window (the jitter the delay covers). */
  jitterMs = 0;
  /** Newest tick time received. */
  newestTickTimeMs = -Infinity;
  /** Frames measured since the last reset. */
  frames = 0;
  private readonly transit = new Float64Array(WINDOW);
  private count = 0;
  private next = 0;
  private baselineMs: number | null = null;
  private dirty = false;
  private lastComputeMs = -Infinity;
  private playheadMs: number | null = null;
  private lastNowMs: number | null = null;
  private lastRate = 1;

  constructor(private readonly opts: PlaybackClockOptions = {}) {
    this.tick = opts.tickMs ?? 50;
    this.initialDelayMs = opts.initialDelayMs ?? 2 * this.tick;
    this.minDelayMs = opts.minDelayMs ?? this.tick + MARGIN_MS;
    this.maxDelayMs = opts.maxDelayMs ?? 1200;
    this.maxExtrapolationMs = opts.maxExtrapolationMs ?? 150;
    this.targetDelayMs = this.initialDelayMs;
  }

  /** Server tick length; the defaults that depend on it (initial and minimum delay) follow it. */
  get tickMs(): number {
    return this.tick;
  }

  set tickMs(ms: number) {
    if (ms === this.tick) return;
    const fresh = this.targetDelayMs === this.initialDelayMs;
    this.tick = ms;
    this.initialDelayMs = this.opts.initialDelayMs ?? 2 * ms;
    this.minDelayMs = this.opts.minDelayMs ?? ms + MARGIN_MS;
    if (fresh) this.targetDelayMs = this.initialDelayMs;
  }

  /** A state frame for server time `tickTimeMs` arrived at client time `arrivalMs`. */
  onFrame(tickTimeMs: number, arrivalMs: number): void {
    const d = arrivalMs - tickTimeMs;
    this.transit[this.next] = d;
    this.next = (this.next + 1) % WINDOW;
    if (this.count < WINDOW) this.count++;
    if (this.baselineMs === null || d < this.baselineMs) this.baselineMs = d;
    if (tickTimeMs > this.newestTickTimeMs) this.newestTickTimeMs = tickTimeMs;
    this.frames++;
    this.dirty = true;
  }

  get started(): boolean {
    return this.baselineMs !== null;
  }

  /** The newest server tick time data could have reached us by `nowMs` (the least-delayed path). */
  timeline(nowMs: number): number {
    this.recompute(nowMs);
    return this.baselineMs === null ? 0 : nowMs - this.baselineMs;
  }

  /** The playhead after the last update (server tick timeline, ms); null before the first frame. */
  get playhead(): number | null {
    return this.playheadMs;
  }

  /** How far behind the timeline the playhead is (what the debug overlay shows). */
  get delayMs(): number {
    if (this.playheadMs === null || this.lastNowMs === null || this.baselineMs === null) return this.targetDelayMs;
    return this.lastNowMs - this.baselineMs - this.playheadMs;
  }

  /** Playback speed used in the last update (1 = real time). */
  get rate(): number {
    return this.lastRate;
  }

  /** Advances the playhead to `nowMs` and returns it (server tick timeline, ms). */
  update(nowMs: number): number {
    const line = this.timeline(nowMs);
    if (this.baselineMs === null) return line;
    const limit = this.newestTickTimeMs + this.maxExtrapolationMs;
    if (this.playheadMs === null || this.lastNowMs === null) {
      this.playheadMs = Math.min(line - this.targetDelayMs, limit);
      this.lastNowMs = nowMs;
      return this.playheadMs;
    }
    const dt = Math.max(0, nowMs - this.lastNowMs);
    this.lastNowMs = nowMs;
    const delay = line - (this.playheadMs + dt);
    const error = delay - this.targetDelayMs;
    if (error > CATCH_UP_LIMIT_MS) {
      this.playheadMs = Math.max(this.playheadMs, Math.min(line - this.targetDelayMs, limit));
      this.lastRate = 1;
      return this.playheadMs;
    }
    const steered = 1 + clamp(error / STEER_MS, -MAX_SLOWDOWN, MAX_SPEEDUP);
    // Out of data: the rate falls with the extrapolation allowance left, so the playhead slows
    // down towards the limit instead of running into it; it never passes it.
    const headroom = limit - this.playheadMs;
    const soft = this.maxExtrapolationMs;
    const rate = headroom >= soft ? steered : Math.min(steered, Math.max(0, headroom) / soft);
    this.lastRate = rate;
    const next = this.playheadMs + dt * rate;
    this.playheadMs = Math.max(this.playheadMs, Math.min(next, limit));
    return this.playheadMs;
  }

  /** A new timeline (server restart): forget the measurements and the playhead. */
  reset(): void {
    this.count = 0;
    this.next = 0;
    this.baselineMs = null;
    this.newestTickTimeMs = -Infinity;
    this.playheadMs = null;
    this.lastNowMs = null;
    this.targetDelayMs = this.initialDelayMs;
    this.jitterMs = 0;
    this.frames = 0;
    this.lastRate = 1;
  }

  private recompute(nowMs: number): void {
    if (!this.dirty || nowMs - this.lastComputeMs < RECOMPUTE_EVERY_MS) return;
    this.dirty = false;
    this.lastComputeMs = nowMs;
    const n = this.count;
    const values = Array.from(this.transit.subarray(0, n)).sort((a, b) => a - b);
    this.baselineMs = values[0]!;
    if (n < MIN_SAMPLES) return;
    const q = values[Math.min(n - 1, Math.floor(QUANTILE * (n - 1)))]! - this.baselineMs;
    this.jitterMs = q;
    this.targetDelayMs = clamp(this.tickMs + q + MARGIN_MS, this.minDelayMs, this.maxDelayMs);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
