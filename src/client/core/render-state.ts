/**
 * Where to draw everyone, once per display frame: the one call a renderer needs.
 *
 *   const view = client.view;                 // a RenderState bound to the client
 *   // every frame (requestAnimationFrame), with the same clock the client uses:
 *   client.advance(now);                      // read input first: it becomes this frame's tick
 *   const frame = view.frame(now);            // never waits for the network
 *   if (frame.self) drawSelf(frame.self);     // { id, x, y, facing, moving }
 *   for (const b of frame.others.values()) drawOther(b);
 *
 * `frame(now)` is cached per `now`, so several readers in one frame agree (and
 * `client.remotePosition(id, now)` returns the same numbers as `frame(now).others.get(id)`).
 *
 * Own player: the predicted body (prediction.ts) plus the elapsed fraction of the current input
 * tick stepped with the held directions, so an input read in this frame moves the sprite in this
 * frame. The drawn position is an integrator: every frame it moves by the held direction's
 * velocity and is pulled towards that predicted position; jumps of the predicted position (a
 * reconciliation correction, a direction change in mid-tick, a resume) are thereby smoothed
 * over a few frames: offsets up to a few pixels at no more than OWN_PULL_SPEED of walking speed
 * (so the drawn body never moves against the held direction), larger ones within about 200 ms;
 * a jump of more than SNAP_DISTANCE_PX (or one the predictor marked as a snap) is drawn as a jump.
 *
 * Other players: sampled from their interpolation buffers at the playhead of the adaptive
 * playback clock (playback-clock.ts): interpolated while data is there, extrapolated for a short
 * bounded time when it is late, then held. The drawn position follows the sampled one exactly
 * while that moves at a plausible speed; when the sample jumps (new data after an extrapolation
 * guessed wrong) the drawn body glides to it at no more than REMOTE_CHASE_SPEED x walking speed,
 * and a jump beyond REMOTE_SNAP_PX (a teleport, a resume of someone who walked meanwhile) snaps.
 *
 * Units: world units; the renderer draws one unit per pixel, so "px" in the docs means units.
 */
import { stepBody, type Body, type Facing } from '../../shared/movement.js';
import type { PlayerInfo } from '../../shared/protocol.js';
import type { WorldRules } from '../../shared/world-rules.js';
import type { InterpolationBuffer } from './interpolation.js';
import type { PlaybackClock } from './playback-clock.js';
import { SNAP_DISTANCE_PX, type Predictor } from './prediction.js';

export interface DrawnBody {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly facing: Facing;
  readonly moving: boolean;
}

export interface RenderFrame {
  readonly nowMs: number;
  /** The own player, or null before the first welcome. */
  readonly self: DrawnBody | null;
  /** Everyone else, by player id. */
  readonly others: ReadonlyMap<number, DrawnBody>;
  /** Server tick time (ms) the others are drawn at. */
  readonly playheadMs: number;
  /** How far behind the newest possible data the others are drawn, and the target of that. */
  readonly playbackDelayMs: number;
  readonly targetDelayMs: number;
  /** Distance between the drawn own player and the predicted one (smoothing still to do). */
  readonly ownSmoothingPx: number;
}

/** What RenderState reads from the client (TetherClient satisfies it). */
export interface RenderSource {
  readonly selfId: number | null;
  readonly rules: WorldRules | null;
  readonly predictor: Predictor | null;
  readonly tickFraction: number;
  readonly heldDirections: number;
  readonly status: { readonly kind: string };
  readonly players: ReadonlyMap<number, { readonly info: PlayerInfo; readonly buffer: InterpolationBuffer }>;
  readonly playback: PlaybackClock;
}

/** Fastest the own drawn position is pulled towards the predicted one, x walking speed. */
export const OWN_PULL_SPEED = 0.5;
/** A larger offset is pulled in within about this long (it is a real correction, not input). */
const OWN_PULL_MAX_MS = 200;
/** Time constant of that pull while it is below the cap. */
const OWN_PULL_TAU_MS = 60;
/** Fastest a remote player glides to a jumped sample, x walking speed. */
export const REMOTE_CHASE_SPEED = 1.3;
/** A remote sample jump beyond this is drawn as a jump. */
export const REMOTE_SNAP_PX = 48;
/** A remote sample moving faster than this x walking speed counts as a jump to glide over. */
const PLAUSIBLE_SPEED = 1.15;

interface Drawn {
  x: number;
  y: number;
  /** Sample of the previous frame (remote players). */
  sx: number;
  sy: number;
}

export class RenderState {
  private lastNowMs: number | null = null;
  private cached: RenderFrame | null = null;
  private own: { x: number; y: number; predictor: Predictor; snaps: number } | null = null;
  private readonly remote = new Map<number, Drawn>();

  constructor(private readonly src: RenderSource) {}

  /** Forget all smoothing (a new world after a server restart): the next frame is drawn as is. */
  reset(): void {
    this.own = null;
    this.remote.clear();
    this.cached = null;
    this.lastNowMs = null;
  }

  frame(nowMs: number): RenderFrame {
    if (this.cached && this.cached.nowMs === nowMs) return this.cached;
    const dt = this.lastNowMs === null ? 0 : Math.max(0, nowMs - this.lastNowMs);
    this.lastNowMs = nowMs;
    const rules = this.src.rules;
    const playback = this.src.playback;
    const playhead = playback.update(nowMs);
    const stepMs = rules ? 1000 / rules.tickRateHz : 50;
    const maxMove = rules ? (rules.speedUnitsPerS * dt) / 1000 : 0;
    const self = this.drawSelf(dt, rules);
    const others = new Map<number, DrawnBody>();
    const seen = new Set<number>();
    for (const [id, p] of this.src.players) {
      if (id === this.src.selfId) continue;
      seen.add(id);
      const buffer = p.buffer;
      buffer.stepMs = stepMs;
      const s = playback.started ? buffer.sample(playhead, playback.maxExtrapolationMs) : undefined;
      const info = p.info;
      const sx = s ? s.x : info.x;
      const sy = s ? s.y : info.y;
      const facing = s ? s.facing : (info.facing as Facing);
      const moving = s ? s.moving : false;
      let d = this.remote.get(id);
      if (!d) {
        d = { x: sx, y: sy, sx, sy };
        this.remote.set(id, d);
      } else {
        const sampleJump = Math.hypot(sx - d.sx, sy - d.sy);
        const gap = Math.hypot(sx - d.x, sy - d.y);
        if (gap > REMOTE_SNAP_PX) {
          d.x = sx;
          d.y = sy;
        } else if (gap > 0) {
          // Follow the sample exactly while it moves plausibly; glide when it jumped.
          const cap = Math.max(maxMove * REMOTE_CHASE_SPEED, sampleJump <= maxMove * PLAUSIBLE_SPEED + 0.01 ? sampleJump : 0);
          if (gap <= cap || maxMove === 0) {
            d.x = sx;
            d.y = sy;
          } else {
            d.x += ((sx - d.x) / gap) * cap;
            d.y += ((sy - d.y) / gap) * cap;
          }
        }
        d.sx = sx;
        d.sy = sy;
      }
      others.set(id, { id, x: d.x, y: d.y, facing, moving: moving || Math.hypot(sx - d.x, sy - d.y) > 0.5 });
    }
    for (const id of [...this.remote.keys()]) if (!seen.has(id)) this.remote.delete(id);
    const frame: RenderFrame = {
      nowMs,
      self,
      others,
      playheadMs: playhead,
      playbackDelayMs: playback.delayMs,
      targetDelayMs: playback.targetDelayMs,
      ownSmoothingPx: this.ownSmoothing,
    };
    this.cached = frame;
    return frame;
  }

  private ownSmoothing = 0;

  private drawSelf(dt: number, rules: WorldRules | null): DrawnBody | null {
    const p = this.src.predictor;
    const id = this.src.selfId;
    if (!p || !rules || id === null) {
      this.own = null;
      return null;
    }
    const body = p.body;
    const held = this.src.status.kind === 'live' ? this.src.heldDirections : 0;
    let rawX = body.x;
    let rawY = body.y;
    let facing: Facing = body.facing;
    let moving = body.moving;
    let next: Body = body;
    if (held !== 0) {
      next = stepBody(body, held, rules);
      const f = this.src.tickFraction;
      rawX += (next.x - body.x) * f;
      rawY += (next.y - body.y) * f;
      facing = next.facing;
      moving = true;
    }
    const own = this.own;
    if (!own || own.predictor !== p || own.snaps !== p.snaps) {
      this.own = { x: rawX, y: rawY, predictor: p, snaps: p.snaps };
      this.ownSmoothing = 0;
      return { id, x: rawX, y: rawY, facing, moving };
    }
    // Move with the held direction's velocity (the input shows this frame) ...
    const k = dt / (1000 / rules.tickRateHz);
    let offX = own.x + (next.x - body.x) * k - rawX;
    let offY = own.y + (next.y - body.y) * k - rawY;
    // ... and pull towards the predicted position, or jump there when far.
    const off = Math.hypot(offX, offY);
    if (off > SNAP_DISTANCE_PX) {
      offX = 0;
      offY = 0;
    } else if (off > 0) {
      // Small offsets at most half walking speed; larger ones (real corrections) within ~OWN_PULL_MAX_MS.
      const cap = Math.max((OWN_PULL_SPEED * rules.speedUnitsPerS * dt) / 1000, (off * dt) / OWN_PULL_MAX_MS);
      const pull = Math.min(Math.max(off * (1 - Math.exp(-dt / OWN_PULL_TAU_MS)), cap * 0.2), cap, off);
      const left = off - pull < 0.01 ? 0 : (off - pull) / off;
      offX *= left;
      offY *= left;
    }
    own.x = rawX + offX;
    own.y = rawY + offY;
    this.ownSmoothing = Math.hypot(offX, offY);
    return { id, x: own.x, y: own.y, facing, moving };
  }
}
