/**
 * The client's copy of the server's motion model (see snapshot-codec.ts): one track per body,
 * "at tick T the body was here and holds dirs D". Between records a body is stepped forward
 * with the shared movement step, so it is exactly where the server has it at every tick the
 * client has heard about.
 *
 * Stepping is lazy: a track is advanced, and its interpolation buffer fed with the state of each
 * tick at that tick's time, only when someone looks at it (the renderer every frame, tests, the
 * own player's reconciliation every frame). A headless bot that never looks at the others pays
 * nothing per body per tick, which is what lets a few processes drive hundreds of bots.
 */
import { stepBody, type Body, type Facing } from '../../shared/movement.js';
import type { PlayerInfo } from '../../shared/protocol.js';
import type { BodyState } from '../../shared/snapshot-codec.js';
import type { WorldRules } from '../../shared/world-rules.js';
import { InterpolationBuffer, type TimedState } from './interpolation.js';

/** A track looked at within this many ticks counts as watched: its buffer is kept gap-free. */
const WATCH_WINDOW_TICKS = 40;
/** When catching up over many ticks, only the last ones are worth buffering. */
const BUFFER_TAIL_TICKS = 16;

export interface ViewContext {
  /** The newest tick the client has a frame for. */
  readonly latestTick: () => number;
  readonly rules: () => WorldRules | null;
}

export class BodyTrack {
  readonly buffer = new InterpolationBuffer();
  /** Tick `body` belongs to; -1 before the first record. */
  tick = -1;
  body: Body = { x: 0, y: 0, facing: 0, moving: false };
  dirs = 0;
  reconnecting = false;
  private watchedTick = -Infinity;
  /** Tick of the newest state in the buffer. */
  private bufferedTick = -1;

  get known(): boolean {
    return this.tick >= 0;
  }

  /** A record from a frame of tick `tick`: the model was wrong (or unknown) at that tick. */
  record(tick: number, s: BodyState, rules: WorldRules): void {
    const watched = this.watchedTick >= tick - WATCH_WINDOW_TICKS;
    if (watched && this.known && tick > this.tick) this.advanceTo(tick - 1, rules);
    this.tick = tick;
    this.body = s; // a BodyState is a Body (plus fields the step ignores): no copy per record
    this.dirs = s.dirs ?? 0;
    this.reconnecting = s.reconnecting;
    // Nobody is looking: the buffer is refilled from this record when someone does.
    if (watched) this.pushState(tick, rules, true);
  }

  /** Steps the model to `tick`, feeding the buffer; marks the track as watched. */
  watch(tick: number, rules: WorldRules): Body {
    this.watchedTick = tick;
    if (!this.known) return this.body;
    if (this.bufferedTick < this.tick) this.pushState(this.tick, rules, true);
    this.advanceTo(tick, rules);
    return this.body;
  }

  private advanceTo(target: number, rules: WorldRules): void {
    while (this.tick < target) {
      const next = stepBody(this.body, this.dirs, rules);
      if (next === this.body || (next.x === this.body.x && next.y === this.body.y && next.facing === this.body.facing && next.moving === this.body.moving)) {
        // A fixed point (standing, or walking into a wall): nothing changes until the next record.
        this.body = next;
        if (this.bufferedTick < this.tick) this.pushState(this.tick, rules, false);
        this.tick = target;
        // Walking into a wall still animates; a standing body's last state holds by itself.
        if (next.moving) this.pushState(target, rules, false);
        else this.bufferedTick = target;
        return;
      }
      this.body = next;
      this.tick++;
      if (this.tick >= target - BUFFER_TAIL_TICKS) this.pushState(this.tick, rules, false);
    }
  }

  private pushState(tick: number, rules: WorldRules, resetIfStale: boolean): void {
    this.bufferedTick = tick;
    const state: TimedState = { timeMs: (tick * 1000) / rules.tickRateHz, x: this.body.x, y: this.body.y, facing: this.body.facing, moving: this.body.moving };
    const last = this.buffer.latest;
    // Older than what is buffered: a new server timeline (restart) or a reset; start over.
    if (last && state.timeMs <= last.timeMs) {
      if (resetIfStale) this.buffer.reset(state);
      return;
    }
    // A gap (records arrived while nobody looked): what was buffered says nothing about it.
    if (resetIfStale && last && state.timeMs - last.timeMs > (WATCH_WINDOW_TICKS * 1000) / rules.tickRateHz) this.buffer.reset(state);
    else this.buffer.push(state);
  }
}

/**
 * Another player (or the own one) as the client sees it. `info` and `buffer` are brought up to
 * the newest tick when read, so callers always see current positions.
 */
export class RemotePlayerView {
  readonly track = new BodyTrack();
  private current: PlayerInfo;

  constructor(
    info: PlayerInfo,
    private readonly ctx: ViewContext,
  ) {
    this.current = info;
  }

  get info(): PlayerInfo {
    this.sync();
    return this.current;
  }

  set info(info: PlayerInfo) {
    this.current = info;
  }

  get buffer(): InterpolationBuffer {
    this.sync();
    return this.track.buffer;
  }

  /** The model state at `tick` (the own player's reconciliation uses it every frame). */
  stateAt(tick: number): Body | null {
    const rules = this.ctx.rules();
    if (!rules || !this.track.known) return null;
    return this.track.watch(tick, rules);
  }

  applyRecord(tick: number, s: BodyState, rules: WorldRules): void {
    this.track.record(tick, s, rules);
    // Position and facing are refreshed when `info` is read; the presence flag is kept here.
    const state = s.reconnecting ? 'reconnecting' : 'live';
    if (this.current.state !== state) this.current = { ...this.current, state };
  }

  private sync(): void {
    const rules = this.ctx.rules();
    if (!rules || !this.track.known) return;
    const b = this.track.watch(this.ctx.latestTick(), rules);
    const c = this.current;
    if (c.x !== b.x || c.y !== b.y || c.facing !== b.facing) this.current = { ...c, x: b.x, y: b.y, facing: b.facing as Facing };
  }
}
