/**
 * Lag outside the tick is visible: work that blocks the event loop between ticks (a flood of
 * replays or parsing would) shows in the event-loop delay on /metrics and /status.json, while
 * the tick time, which only times the tick's own work, stays small.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_HEADERS, startFixture, joined } from './support/server-fixture.js';
import { poll } from './support/limits-helpers.js';

test('a 250 ms stall between ticks shows as event-loop delay on /metrics and /status.json, not as tick time', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  await joined(fx.client('Witness'));
  const base = `http://127.0.0.1:${fx.server.port}`;
  // Block the loop from a timer, i.e. outside any tick.
  setTimeout(() => {
    const until = performance.now() + 250;
    while (performance.now() < until);
  }, 100);
  const seen = await poll(() => fx.server.metrics.history.some((s) => (s.loopMax ?? 0) >= 200), 4000, 50);
  assert.ok(seen, `the stall shows in the per-second history: ${JSON.stringify(fx.server.metrics.history.map((s) => s.loopMax))}`);
  const status = (await (await fetch(`${base}/status.json`, { headers: ADMIN_HEADERS })).json()) as { tickMs: { max: number }; eventLoopDelayMs: { max: number; p99: number } };
  assert.ok(status.eventLoopDelayMs.max >= 200, `status.json event-loop delay max ${status.eventLoopDelayMs.max} ms`);
  assert.ok(status.tickMs.max < 200, `tick max ${status.tickMs.max} ms: the tick did not see it`);
  const metrics = await (await fetch(`${base}/metrics`, { headers: ADMIN_HEADERS })).text();
  assert.match(metrics, /^tether_event_loop_delay_seconds\{quantile="0.99"\} [\d.e-]+$/m);
  assert.match(metrics, /^tether_event_loop_delay_seconds\{quantile="max"\} [\d.e-]+$/m);
});
