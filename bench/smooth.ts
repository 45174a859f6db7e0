/**
 * `npm run bench:smooth`: how smooth the game looks through weak networks, measured headlessly
 * with the real client logic against a real server through the real chaos proxy.
 *
 * Per profile, in one process: a Tether server (in-process, so the bench can record the true
 * position of every body at every tick), a few bots on direct connections walking scripted
 * random paths, and two measured clients, each behind its own chaos proxy with the same profile
 * and seed, both driven by the same scripted own-player inputs:
 * - `smoothed`: prediction + reconciliation for the own player, interpolation at the adaptive
 *   playback delay for others, drawn through RenderState (src/client/core/render-state.ts);
 * - `baseline`: the same client, drawn naively: everyone at the last received position.
 * A 60 Hz frame loop (setInterval 16 ms) sets the held directions, calls advance(now) and takes
 * the frame, like the browser's requestAnimationFrame loop.
 *
 * Metrics (units are world units = pixels):
 * - own_input_latency_frames: for every press or change to a new direction while live, the frames
 *   between the frame the input is read and the first frame whose drawn own movement goes at least
 *   half a frame's walking distance in the new direction (0 = the same frame). p50; max printed.
 * - correction_px: smoothed: the reconciliation correction of every state frame (new prediction vs
 *   old); baseline: how far the own sprite jumps when a state frame arrives (it has no prediction).
 * - remote_error_px: distance between a bot's drawn position and the server's true path at the
 *   time the client claims to show: the playhead for `smoothed`; for `baseline`, which shows the
 *   newest data, the newest tick time data could have reached it (its timeline).
 * - hitches: frames where a bot is drawn frozen (moved < 0.01 px) although its true path moves
 *   over the time the frame shows (one frame's worth when the playhead stands still), or drawn
 *   moving more than 1.5x its walking distance in that frame (+0.25 px).
 *   hitches_in_stalls: those in a frame (or the frame after one) whose playhead had run past the
 *   newest data, i.e. during a downstream stall longer than the playback delay.
 * - jitter stops: ticks in which the server stood a walking body for lack of input while its
 *   player held a key (see room.tick below); not hitches (the true path stops too) but a stutter
 *   every watcher sees.
 * - playback_delay_ms: mean of how far behind the newest possible data others are drawn.
 *
 * Usage: node --import tsx bench/smooth.ts [--profiles ideal,3g] [--seconds 20] [--seed 1]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type ServerConfig } from '../src/server/config.js';
import { createMemoryLogger } from '../src/server/logger.js';
import { startTetherServer } from '../src/server/tether-server.js';
import { startChaosProxy, type ChaosProxy } from '../src/netsim/chaos-proxy.js';
import { TetherClient } from '../src/client/core/tether-client.js';
import { wsTransport } from '../src/client/node/ws-transport.js';
import { systemClock } from '../src/shared/system-clock.js';
import { createRng } from '../src/shared/rng.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP, stepBody } from '../src/shared/movement.js';

const { values: args } = parseArgs({
  options: {
    profiles: { type: 'string', default: 'ideal,good,mobile,3g,edge,bursty' },
    seconds: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    bots: { type: 'string', default: '3' },
  },
});
const PROFILES = args.profiles.split(',').filter(Boolean);
const MEASURE_MS = Number(args.seconds) * 1000;
const WARMUP_MS = 2000;
const SEED = Number(args.seed);
const BOTS = Number(args.bots);
const FRAME_MS = 16;
const LATENCY_GIVE_UP_FRAMES = 240;
/**
 * A stop counts as input jitter when the player holds a key (held this long, 0 = any hold): the
 * client made an input for that tick with the key in it; the server just did not have it yet.
 */
const HELD_FOR_MS = 0;

export interface Metrics {
  own_input_latency_frames: number;
  correction_px_p99: number;
  remote_error_px_p50: number;
  remote_error_px_p99: number;
  hitches: number;
  playback_delay_ms: number;
  detail: Record<string, number>;
}

// ---- scripted movement -----------------------------------------------------------------------

type Script = Array<{ endMs: number; dirs: number }>;

/** Cardinal walks and pauses (bots 0.3-1.5 s, own 0.2-0.8 s): every change is a press or a 90/180 degree turn. */
function makeScript(seed: number, totalMs: number, pauseChance: number, minMs = 300, maxMs = 1500): Script {
  const rng = createRng(seed);
  const dirs = [DIR_RIGHT, DIR_DOWN, DIR_LEFT, DIR_UP];
  const out: Script = [];
  let t = 0;
  let prev = -1;
  while (t < totalMs) {
    let d = rng.chance(pauseChance) ? 0 : dirs[rng.int(0, 3)]!;
    if (d === prev) d = d === 0 ? DIR_RIGHT : 0;
    t += rng.int(minMs, maxMs);
    out.push({ endMs: t, dirs: d });
    prev = d;
  }
  return out;
}

function dirsAt(script: Script, t: number): number {
  for (const s of script) if (t < s.endMs) return s.dirs;
  return 0;
}

// ---- statistics ------------------------------------------------------------------------------

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))]!;
}
const mean = (v: number[]): number => (v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length);
const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

// ---- one measured client ---------------------------------------------------------------------

interface Pos {
  x: number;
  y: number;
}

class Recorder {
  readonly latencies: number[] = [];
  unresolved = 0;
  readonly corrections: number[] = [];
  readonly errors: number[] = [];
  freezes = 0;
  jumps = 0;
  ownJumps = 0;
  readonly delays: number[] = [];
  readonly behindServer: number[] = [];
  frames = 0;
  skipped = 0;
  private pendingInput: { frame: number; ux: number; uy: number } | null = null;
  private prevOwn: Pos | null = null;
  private prevDirs = 0;
  private started = false;

  constructor(readonly name: string) {}

  /** The own player's drawn position for this frame, and the dirs read in this frame. */
  own(frame: number, dirs: number, drawn: Pos | null, live: boolean, maxMove: number, unit: (dirs: number) => Pos): void {
    if (!this.started) {
      // The first measured frame: whatever is held now was pressed during the warm-up.
      this.started = true;
      this.prevDirs = dirs;
    }
    if (dirs !== this.prevDirs) {
      if (this.pendingInput) {
        this.latencies.push(frame - this.pendingInput.frame);
        this.unresolved++;
      }
      this.pendingInput = null;
      if (dirs !== 0 && live) {
        const u = unit(dirs);
        this.pendingInput = { frame, ux: u.x, uy: u.y };
      }
      this.prevDirs = dirs;
    }
    if (!drawn) return;
    if (this.prevOwn) {
      const dx = drawn.x - this.prevOwn.x;
      const dy = drawn.y - this.prevOwn.y;
      if (Math.hypot(dx, dy) > maxMove * 1.5 + 0.25) this.ownJumps++;
      const p = this.pendingInput;
      if (p && process.env['DEBUG_LAT'] && frame === p.frame && this.name === 'smoothed' && dx * p.ux + dy * p.uy < maxMove * 0.5) console.error('miss', { dx, dy, maxMove, drawn, prev: this.prevOwn });
      if (p) {
        if (dx * p.ux + dy * p.uy >= maxMove * 0.5) {
          if (process.env['DEBUG_LAT'] && frame > p.frame) console.error(this.name, 'late', frame - p.frame, { dx, dy, maxMove, ux: p.ux, uy: p.uy });
          this.latencies.push(frame - p.frame);
          this.pendingInput = null;
        } else if (frame - p.frame > LATENCY_GIVE_UP_FRAMES) {
          this.latencies.push(frame - p.frame);
          this.unresolved++;
          this.pendingInput = null;
        }
      }
    }
    this.prevOwn = { ...drawn };
  }

  /** A bot drawn at `drawn`, claimed to be its position at server time `timeMs`; scored at the end. */
  remote(id: number, drawn: Pos, timeMs: number, dtMs: number, maxMove: number, dataOut = false): void {
    this.remoteSamples.push({ id, x: drawn.x, y: drawn.y, timeMs, dtMs, maxMove, dataOut });
  }

  /** Hitches in frames where the playhead had run past the newest data (a stall longer than the playback delay), or the frame after. */
  stallHitches = 0;
  private readonly remoteSamples: Array<{ id: number; x: number; y: number; timeMs: number; dtMs: number; maxMove: number; dataOut: boolean }> = [];

  /** Scores the remote samples against the true path (known in full once the run is over). */
  score(truth: (id: number, timeMs: number) => Pos | null): void {
    const prevById = new Map<number, { x: number; y: number; timeMs: number; dataOut: boolean }>();
    for (const s of this.remoteSamples) {
      const t = truth(s.id, s.timeMs);
      if (!t) {
        this.skipped++;
        prevById.delete(s.id);
        continue;
      }
      this.errors.push(Math.hypot(s.x - t.x, s.y - t.y));
      const prev = prevById.get(s.id);
      if (prev) {
        const moved = Math.hypot(s.x - prev.x, s.y - prev.y);
        // The true path over the time this frame showed (the playhead's own step); over one
        // frame of wall time when the playhead stood still (a hold is a freeze). Measured over
        // wall time always, a playhead steered to 0.9x counted a freeze whenever a walk began in
        // the frame's last tenth, which the frame did not show yet.
        const a = truth(s.id, prev.timeMs);
        const b = truth(s.id, s.timeMs > prev.timeMs ? s.timeMs : prev.timeMs + s.dtMs);
        const trulyMoves = a && b ? Math.hypot(b.x - a.x, b.y - a.y) > 0.05 : false;
        const inStall = s.dataOut || prev.dataOut;
        if (moved < 0.01 && trulyMoves) {
          this.freezes++;
          if (inStall) this.stallHitches++;
        } else if (moved > s.maxMove * 1.5 + 0.25) {
          this.jumps++;
          if (inStall) this.stallHitches++;
        }
      }
      prevById.set(s.id, s);
    }
  }

  metrics(): Metrics {
    return {
      own_input_latency_frames: quantile(this.latencies, 0.5),
      correction_px_p99: round(quantile(this.corrections, 0.99), 3),
      remote_error_px_p50: round(quantile(this.errors, 0.5), 3),
      remote_error_px_p99: round(quantile(this.errors, 0.99), 3),
      hitches: this.freezes + this.jumps,
      playback_delay_ms: round(mean(this.delays), 1),
      detail: {
        own_input_latency_frames_mean: round(mean(this.latencies), 2),
        own_input_latency_frames_max: Math.max(0, ...this.latencies),
        input_changes: this.latencies.length,
        unresolved_inputs: this.unresolved,
        correction_px_p50: round(quantile(this.corrections, 0.5), 3),
        correction_px_max: round(Math.max(0, ...this.corrections), 3),
        corrections_nonzero: this.corrections.filter((c) => c > 0).length,
        correction_samples: this.corrections.length,
        own_visible_jumps: this.ownJumps,
        remote_freezes: this.freezes,
        hitches_in_stalls: this.stallHitches,
        hitches_outside_stalls: this.freezes + this.jumps - this.stallHitches,
        remote_jumps: this.jumps,
        remote_samples: this.errors.length,
        remote_samples_unscored: this.skipped,
        behind_server_ms_mean: round(mean(this.behindServer), 1),
        frames: this.frames,
      },
    };
  }
}

// ---- one profile -----------------------------------------------------------------------------

async function runProfile(profile: string): Promise<{ smoothed: Metrics; baseline: Metrics; extra: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-bench-smooth-'));
  const config: ServerConfig = { ...DEFAULT_CONFIG, port: 0, dbPath: join(dir, 'tether.sqlite'), logLevel: 'silent', maxConnectionsPerAddress: 100_000, maxGracePerAddress: 100_000, newProfilesPerAddressHour: 100_000_000, joinsPerAddressMinute: 100_000_000 };
  const server = await startTetherServer(config, { logger: createMemoryLogger() });
  const rules = config.rules;
  const tickMs = 1000 / rules.tickRateHz;
  const room = server.room;
  const world = room.world;

  // The true path: every body's position after every server tick.
  const truthByTick = new Map<number, Map<number, Pos>>();
  // Jitter stops: ticks in which a body that moved in the previous tick stands because the
  // server had no input for it, while its player holds a key (so the input existed on the client and
  // was merely late: batching after a press, network jitter). Counted per body, as events (a run of
  // starved ticks is one stop) and as ticks; bots and the measured clients separately.
  let measuring = false;
  const heldSince = new Map<number, number>(); // body id -> client time the current key was first held
  const jitterStops = new Map<number, { stops: number; ticks: number; starving: boolean }>();
  const originalTick = room.tick.bind(room);
  room.tick = () => {
    const before = new Map<number, { x: number; y: number; moved: boolean; starved: boolean }>();
    for (const wb of world.bodies.values()) {
      const prev = truthByTick.get(world.tick)?.get(wb.id);
      const prev2 = truthByTick.get(world.tick - 1)?.get(wb.id);
      const moved = !!prev && !!prev2 && (prev.x !== prev2.x || prev.y !== prev2.y);
      before.set(wb.id, { x: wb.body.x, y: wb.body.y, moved, starved: wb.queue.length === 0 });
    }
    originalTick();
    const m = new Map<number, Pos>();
    const now = performance.now();
    for (const wb of world.bodies.values()) {
      m.set(wb.id, { x: wb.body.x, y: wb.body.y });
      const b = before.get(wb.id);
      const since = heldSince.get(wb.id);
      const stood = !!b && b.x === wb.body.x && b.y === wb.body.y;
      const entry = jitterStops.get(wb.id) ?? { stops: 0, ticks: 0, starving: false };
      jitterStops.set(wb.id, entry);
      if (measuring && b && stood && b.starved && since !== undefined && now - since >= HELD_FOR_MS && (b.moved || entry.starving)) {
        if (!entry.starving) entry.stops++;
        entry.ticks++;
        entry.starving = true;
      } else {
        entry.starving = false;
      }
    }
    truthByTick.set(world.tick, m);
  };
  const drops = new Map<number, number>();
  const originalQueue = world.queueInput.bind(world);
  world.queueInput = (id, seq, dirs) => {
    const r = originalQueue(id, seq, dirs);
    if (r === 'overflow') drops.set(id, (drops.get(id) ?? 0) + 1);
    return r;
  };
  const truth = (id: number, timeMs: number): Pos | null => {
    const t = timeMs / tickMs;
    const t0 = Math.floor(t);
    const a = truthByTick.get(t0)?.get(id);
    const b = truthByTick.get(t0 + 1)?.get(id);
    if (!a) return null;
    if (!b) return t === t0 ? a : null;
    const f = t - t0;
    return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
  };

  const proxies: ChaosProxy[] = [];
  const makeProxy = async (): Promise<ChaosProxy> => {
    const p = await startChaosProxy({ listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: server.port, profile, seed: SEED, log: () => {} });
    proxies.push(p);
    return p;
  };
  const direct = `ws://127.0.0.1:${server.port}/ws`;
  const clients: TetherClient[] = [];
  const client = (name: string, url: string, character: number): TetherClient => {
    const c = new TetherClient({ url, transport: wsTransport, clock: systemClock, name, character });
    clients.push(c);
    c.start();
    return c;
  };
  const bots = Array.from({ length: BOTS }, (_, i) => ({ c: client(`Bot${i + 1}`, direct, i % 8), script: makeScript(SEED * 100 + i, WARMUP_MS + MEASURE_MS + 5000, 0.2) }));
  const smoothed = client('Smooth', `ws://127.0.0.1:${(await makeProxy()).port}/ws`, 1);
  const naive = client('Naive', `ws://127.0.0.1:${(await makeProxy()).port}/ws`, 2);
  const ownScript = makeScript(SEED * 7 + 3, WARMUP_MS + MEASURE_MS + 5000, 0.15, 200, 800);

  const joinedAll = async (): Promise<void> => {
    const deadline = performance.now() + 60_000;
    while (!clients.every((c) => c.status.kind === 'live' && c.selfId !== null)) {
      if (performance.now() > deadline) throw new Error(`${profile}: clients did not join`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await joinedAll();
  const botIds = bots.map((b) => b.c.selfId!);

  const sRec = new Recorder('smoothed');
  const bRec = new Recorder('baseline');
  smoothed.on('snapshot', () => {
    if (measuring && smoothed.predictor) sRec.corrections.push(smoothed.predictor.lastCorrectionPx);
  });
  let naivePrev: Pos | null = null;
  naive.on('snapshot', () => {
    const me = naive.self;
    if (!me) return;
    const p = { x: me.info.x, y: me.info.y };
    if (measuring && naivePrev) bRec.corrections.push(Math.hypot(p.x - naivePrev.x, p.y - naivePrev.y));
    naivePrev = p;
  });
  const unit = (dirs: number): Pos => {
    const probe = stepBody({ x: 500, y: 500, facing: 0, moving: false }, dirs, rules);
    const len = Math.hypot(probe.x - 500, probe.y - 500) || 1;
    return { x: (probe.x - 500) / len, y: (probe.y - 500) / len };
  };

  const t0 = performance.now();
  let frame = 0;
  let prevNow = t0;
  const serverTickTimeNow = (): number => world.tick * tickMs;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const t = now - t0;
      const dt = now - prevNow;
      prevNow = now;
      frame++;
      measuring = t >= WARMUP_MS;
      const noteHeld = (c: TetherClient, dirs: number): void => {
        if (c.selfId === null) return;
        if (dirs === 0 || dirs !== c.heldDirections) heldSince.delete(c.selfId);
        if (dirs !== 0 && !heldSince.has(c.selfId)) heldSince.set(c.selfId, now);
      };
      for (const b of bots) {
        const d = dirsAt(b.script, t);
        noteHeld(b.c, d);
        b.c.setHeldDirs(d);
        b.c.advance(now);
      }
      const own = dirsAt(ownScript, t);
      for (const c of [smoothed, naive]) {
        noteHeld(c, own);
        c.setHeldDirs(own);
        c.advance(now);
      }
      const maxMove = (rules.speedUnitsPerS * dt) / 1000;
      // Smoothed: RenderState.
      const f = smoothed.view.frame(now);
      // Baseline: last received positions (the client's model at its newest tick).
      const naiveSelf = naive.self;
      const naiveOwn = naiveSelf ? { x: naiveSelf.info.x, y: naiveSelf.info.y } : null;
      const naiveTime = naive.serverTimeMs(now);
      if (measuring) {
        sRec.frames++;
        bRec.frames++;
        sRec.own(frame, own, f.self, smoothed.status.kind === 'live', maxMove, unit);
        bRec.own(frame, own, naiveOwn, naive.status.kind === 'live', maxMove, unit);
        for (const id of botIds) {
          const d = f.others.get(id);
          if (d) sRec.remote(id, d, f.playheadMs, dt, maxMove, f.playheadMs > smoothed.playback.newestTickTimeMs);
          const p = naive.players.get(id);
          if (p) bRec.remote(id, { x: p.info.x, y: p.info.y }, naiveTime, dt, maxMove);
        }
        sRec.delays.push(f.playbackDelayMs);
        sRec.behindServer.push(serverTickTimeNow() - f.playheadMs);
        bRec.delays.push(Math.max(0, naiveTime - naive.lastTick * tickMs));
        bRec.behindServer.push(serverTickTimeNow() - naive.lastTick * tickMs);
      }
      if (t >= WARMUP_MS + MEASURE_MS) {
        clearInterval(timer);
        resolve();
      }
    }, FRAME_MS);
  });

  const extra = {
    target_delay_ms_final: round(smoothed.playback.targetDelayMs, 1),
    jitter_ms_final: round(smoothed.playback.jitterMs, 1),
    rtt_ms: round(smoothed.serverClock.rttMs, 1),
    server_input_drops_smoothed: drops.get(smoothed.selfId!) ?? 0,
    server_input_drops_baseline: drops.get(naive.selfId!) ?? 0,
    resumes_smoothed: smoothed.resumes,
    resumes_baseline: naive.resumes,
    corrections_counted_smoothed: smoothed.predictor?.corrections ?? 0,
    jitter_stops_bots: botIds.reduce((n, id) => n + (jitterStops.get(id)?.stops ?? 0), 0),
    jitter_stop_ticks_bots: botIds.reduce((n, id) => n + (jitterStops.get(id)?.ticks ?? 0), 0),
    // The measured clients walk through the profile: how others would see a player on that network.
    jitter_stops_profile_clients: [smoothed.selfId!, naive.selfId!].reduce((n, id) => n + (jitterStops.get(id)?.stops ?? 0), 0),
    jitter_stop_ticks_profile_clients: [smoothed.selfId!, naive.selfId!].reduce((n, id) => n + (jitterStops.get(id)?.ticks ?? 0), 0),
  };
  await new Promise((r) => setTimeout(r, 300)); // the true path a little past the last frame
  sRec.score(truth);
  bRec.score(truth);
  for (const c of clients) c.dispose();
  for (const p of proxies) await p.close();
  await server.stop(0);
  rmSync(dir, { recursive: true, force: true });
  return { smoothed: sRec.metrics(), baseline: bRec.metrics(), extra };
}

// ---- main ------------------------------------------------------------------------------------

const results: Record<string, unknown> = {};
const rows: string[] = [];
const ratio = (b: number, s: number): string => (s === 0 ? (b === 0 ? '1' : 'inf') : (b / s).toFixed(1));
const jsonRatio = (b: number, s: number): number | string => {
  const r = ratio(b, s);
  return r === 'inf' ? 'inf' : Number(r);
};
const header = 'profile  mode      lat(p50/max fr)  corr p50/p99/max px   remote err p50/p99 px  hitches  delay ms  behind server ms';
for (const profile of PROFILES) {
  const started = performance.now();
  process.stderr.write(`${profile}: running ${Math.round((WARMUP_MS + MEASURE_MS) / 1000)} s ...\n`);
  const r = await runProfile(profile);
  const strip = (m: Metrics) => {
    const { detail, ...keys } = m;
    return { ...keys, ...detail };
  };
  results[profile] = {
    ...strip(r.smoothed),
    ...r.extra,
    baseline: strip(r.baseline),
    // baseline / smoothed; "inf" where smoothed measured 0 and the baseline did not.
    ratio_baseline_over_smoothed: {
      remote_error_px_p50: jsonRatio(r.baseline.remote_error_px_p50, r.smoothed.remote_error_px_p50),
      remote_error_px_p99: jsonRatio(r.baseline.remote_error_px_p99, r.smoothed.remote_error_px_p99),
      hitches: jsonRatio(r.baseline.hitches, r.smoothed.hitches),
      correction_px_p99: jsonRatio(r.baseline.correction_px_p99, r.smoothed.correction_px_p99),
      own_input_latency_frames: jsonRatio(r.baseline.own_input_latency_frames, r.smoothed.own_input_latency_frames),
    },
  };
  for (const [mode, m] of [['smoothed', r.smoothed], ['baseline', r.baseline]] as const) {
    rows.push(
      [
        profile.padEnd(8),
        mode.padEnd(9),
        `${m.own_input_latency_frames}/${m.detail['own_input_latency_frames_max']}`.padEnd(16),
        `${m.detail['correction_px_p50']}/${m.correction_px_p99}/${m.detail['correction_px_max']}`.padEnd(21),
        `${m.remote_error_px_p50}/${m.remote_error_px_p99}`.padEnd(22),
        `${m.hitches}${mode === 'smoothed' ? ` (${m.detail['hitches_in_stalls']} in stalls)` : ''}`.padEnd(8),
        `${m.playback_delay_ms}`.padEnd(9),
        `${m.detail['behind_server_ms_mean']}`,
      ].join(' '),
    );
  }
  rows.push(
    `${''.padEnd(8)} ratio     baseline/smoothed: remote err p50 ${ratio(r.baseline.remote_error_px_p50, r.smoothed.remote_error_px_p50)}x, p99 ${ratio(r.baseline.remote_error_px_p99, r.smoothed.remote_error_px_p99)}x, hitches ${ratio(r.baseline.hitches, r.smoothed.hitches)}x; target delay ${r.extra.target_delay_ms_final} ms, rtt ${r.extra.rtt_ms} ms, server input drops ${r.extra.server_input_drops_smoothed}, resumes ${r.extra.resumes_smoothed}; jitter stops (held key, no input) bots ${r.extra.jitter_stops_bots} (${r.extra.jitter_stop_ticks_bots} ticks), profile clients ${r.extra.jitter_stops_profile_clients} (${r.extra.jitter_stop_ticks_profile_clients} ticks) (${Math.round((performance.now() - started) / 1000)} s)`,
  );
}
console.log(header);
for (const row of rows) console.log(row);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/smooth.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench-results/smooth.json');
process.exit(0);
