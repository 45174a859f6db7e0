import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';

test('full jitter: the delay spans [0, min(cap, base * 2^attempt)) with the random source at its ends', () => {
  const ceilings = [500, 1000, 2000, 4000, 8000, 10_000, 10_000];
  ceilings.forEach((ceiling, attempt) => {
    assert.equal(backoffDelayMs(attempt, () => 0), 0, `attempt ${attempt} at 0`);
    assert.equal(backoffDelayMs(attempt, () => 0.999999), ceiling - 1, `attempt ${attempt} near 1`);
    assert.equal(backoffDelayMs(attempt, () => 0.5), ceiling / 2);
  });
});

test('huge attempt counts stay at the cap (no overflow to Infinity or NaN)', () => {
  for (const attempt of [31, 100, 1e6, Number.MAX_SAFE_INTEGER]) {
    assert.equal(backoffDelayMs(attempt, () => 0.5), DEFAULT_BACKOFF.capMs / 2);
  }
});

test('options are honoured and delays are whole milliseconds', () => {
  const opts = { baseMs: 100, capMs: 350 };
  assert.equal(backoffDelayMs(0, () => 0.37, opts), 37);
  assert.equal(backoffDelayMs(2, () => 0.99, opts), 346);
  for (let i = 0; i < 50; i++) assert.ok(Number.isInteger(backoffDelayMs(i % 8, Math.random, opts)));
});
