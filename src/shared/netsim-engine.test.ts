import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from './rng.js';
import { createDirectionEngine, createFaultPlanner, outageEndAt, nextOutageStart, sampleLatencyMs, sliceBytesFor } from './netsim-engine.js';
import { describeProfile, getProfile, PROFILE_NAMES, PROFILES, tweakProfile } from './netsim-profiles.js';

/** A fixed workload: 2000 chunks of varying size at varying times. */
function run(seed: number, name: keyof typeof PROFILES) {
  const engine = createDirectionEngine(createRng(seed).fork('conn.1').fork('down'), PROFILES[name].down, 0);
  const w = createRng(999);
  const out: number[] = [];
  let now = 0;
  for (let i = 0; i < 2000; i++) {
    now += w.range(0, 40);
    out.push(engine.schedule(now, w.int(1, 3000)).releaseMs);
  }
  return { out, stalls: engine.stallCount };
}

test('the same seed gives the same sequence of decisions, another seed does not', () => {
  for (const name of PROFILE_NAMES) {
    assert.deepEqual(run(42, name), run(42, name), name);
  }
  assert.notDeepEqual(run(42, '3g').out, run(43, '3g').out);
  const plan = (seed: number) => {
    const p = createFaultPlanner(createRng(seed), PROFILES.flapping.faults);
    let t = 0;
    return Array.from({ length: 20 }, () => {
      const f = p.next(t)!;
      t = f.atMs;
      return f;
    });
  };
  assert.deepEqual(plan(5), plan(5));
  assert.notDeepEqual(plan(5), plan(6));
});

test('releases never go backwards (no reordering) and never precede the send', () => {
  for (const name of PROFILE_NAMES) {
    const engine = createDirectionEngine(createRng(3), PROFILES[name].up, 0);
    let last = -Infinity;
    for (let i = 0; i < 3000; i++) {
      const now = i * 7;
      const r = engine.schedule(now, 1200).releaseMs;
      assert.ok(r >= last, `${name}: ${r} < ${last}`);
      assert.ok(r >= now, `${name}: released before sent`);
      last = r;
    }
  }
});

test('latency samples stay within mean ± jitter with the stated centre', () => {
  const r = createRng(11);
  const d = PROFILES['3g'].down;
  const xs = Array.from({ length: 10_000 }, () => sampleLatencyMs(r, d)).sort((a, b) => a - b);
  assert.ok(xs[0]! >= d.latencyMs - d.jitterMs && xs[xs.length - 1]! <= d.latencyMs + d.jitterMs);
  assert.ok(Math.abs(xs[5000]! - d.latencyMs) < 3, `median ${xs[5000]}`);
});

test('bandwidth paces a backlog at the profile rate', () => {
  const d = { ...PROFILES['3g'].down, stalls: [], jitterMs: 0 };
  const engine = createDirectionEngine(createRng(1), d, 0);
  const slice = sliceBytesFor(d);
  let last = 0;
  const total = 500 * slice;
  for (let i = 0; i < 500; i++) last = engine.schedule(0, slice).releaseMs;
  const expected = (total / d.bandwidthBytesPerSec) * 1000 + d.latencyMs;
  assert.ok(Math.abs(last - expected) < 1, `${last} vs ${expected}`);
});

test('stalls hold and release in a burst at about the profile rate', () => {
  const p = tweakProfile(PROFILES.ideal, { down: { stalls: [{ ratePerSec: 0.5, minMs: 200, maxMs: 400 }] } });
  const engine = createDirectionEngine(createRng(8), p.down, 0);
  const releases: number[] = [];
  for (let t = 0; t < 600_000; t += 10) releases.push(engine.schedule(t, 100).releaseMs - t);
  // The rate counts unstalled time: one stall per 2 s + 0.3 s mean length => 600 s / 2.3 s = 261.
  assert.ok(engine.stallCount > 225 && engine.stallCount < 300, `stalls ${engine.stallCount}`);
  const held = releases.filter((x) => x > 0);
  assert.ok(Math.max(...held) <= 400 + 1e-6);
  // Everything queued during a stall comes out at the same instant.
  const e2 = createDirectionEngine(createRng(8), p.down, 0);
  const burst = new Map<number, number>();
  for (let t = 0; t < 60_000; t += 10) {
    const r = e2.schedule(t, 100).releaseMs;
    if (r > t) burst.set(r, (burst.get(r) ?? 0) + 1);
  }
  assert.ok([...burst.values()].some((n) => n >= 20), 'some stall released 20+ chunks at once');
});

test('outage schedule and fault planner follow the profile', () => {
  const o = PROFILES.blackhole.outages;
  assert.equal(outageEndAt(o, 2_999), null);
  assert.equal(outageEndAt(o, 3_000), 4_000);
  assert.equal(outageEndAt(o, 25_000), 30_000);
  assert.equal(nextOutageStart(o, 4_000), 10_000);
  const p = createFaultPlanner(createRng(1), PROFILES.flapping.faults);
  const kinds = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const f = p.next(1000)!;
    assert.ok(f.atMs >= 21_000 && f.atMs <= 61_000);
    kinds.add(f.kind);
  }
  assert.deepEqual([...kinds].sort(), ['close', 'cut', 'reset', 'serverDown', 'slowClose']);
  assert.equal(createFaultPlanner(createRng(1), null).next(0), null);
});

test('profiles: lookup by name, clear error otherwise, one-line description', () => {
  for (const n of ['ideal', 'good', 'mobile', '3g', 'edge', 'bursty', 'blackhole', 'flapping']) {
    const r = getProfile(n);
    assert.ok(r.ok && r.profile.name === n);
    if (r.ok) assert.ok(!describeProfile(r.profile).includes('\n'));
  }
  const bad = getProfile('lte');
  assert.ok(!bad.ok && /unknown profile "lte"/.test(bad.error));
  assert.ok(!getProfile('toString').ok);
});
