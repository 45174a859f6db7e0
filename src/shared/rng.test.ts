import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from './rng.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 100 }, () => a.next());
  assert.deepEqual(sa, Array.from({ length: 100 }, () => b.next()));
  assert.notDeepEqual(sa, Array.from({ length: 100 }, () => c.next()));
});

test('next is in [0, 1), int is inclusive and covers its range, chance follows p', () => {
  const r = createRng(7);
  const seen = new Set<number>();
  let hits = 0;
  for (let i = 0; i < 20_000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    const n = r.int(-2, 3);
    assert.ok(Number.isInteger(n) && n >= -2 && n <= 3);
    seen.add(n);
    if (r.chance(0.25)) hits++;
  }
  assert.equal(seen.size, 6);
  assert.ok(Math.abs(hits / 20_000 - 0.25) < 0.02, `chance(0.25) hit ${hits / 20_000}`);
});

test('normal has the asked mean and sd, exponential the asked mean', () => {
  const r = createRng(1);
  const xs = Array.from({ length: 20_000 }, () => r.normal(100, 10));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean - 100) < 0.5, `mean ${mean}`);
  assert.ok(Math.abs(sd - 10) < 0.5, `sd ${sd}`);
  const es = Array.from({ length: 20_000 }, () => r.exponential(50));
  const emean = es.reduce((s, x) => s + x, 0) / es.length;
  assert.ok(Math.abs(emean - 50) < 2, `exp mean ${emean}`);
});

test('fork depends on seed and label only, not on how much the parent drew', () => {
  const a = createRng(9);
  const b = createRng(9);
  for (let i = 0; i < 37; i++) b.next();
  const fa = a.fork('conn.1');
  const fb = b.fork('conn.1');
  assert.deepEqual([fa.next(), fa.next(), fa.next()], [fb.next(), fb.next(), fb.next()]);
  const other = createRng(9).fork('conn.2');
  assert.notEqual(createRng(9).fork('conn.1').next(), other.next());
  assert.notEqual(createRng(9).fork('x').seed, createRng(10).fork('x').seed);
});
