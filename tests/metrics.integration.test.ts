import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_HEADERS, startFixture, joined, until } from './support/server-fixture.js';

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers: ADMIN_HEADERS });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  return res.text();
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `series ${series} present`);
  return Number(line.split(' ')[1]);
}

test('GET /metrics exposes the named series, per server instance, and they move when players join and drop', async (t) => {
  const fx = await startFixture({ graceMs: 5000 });
  t.after(() => fx.close());
  const other = await startFixture();
  t.after(() => other.close());
  const base = `http://127.0.0.1:${fx.server.port}`;
  const before = await scrape(base);
  for (const name of [
    'tether_players_online', 'tether_sessions_in_grace', 'tether_resumes_total', 'tether_disconnects_total', 'tether_resume_latency_seconds',
    'tether_rtt_seconds', 'tether_tick_duration_seconds', 'tether_bytes_out', 'tether_state_updates_skipped_total', 'tether_rejected_messages_total',
  ]) assert.match(before, new RegExp(`^# TYPE ${name} `, 'm'), name);
  assert.equal(value(before, 'tether_players_online'), 0);

  const a = fx.client('Metra');
  // B waits 1.8 s before it reconnects, so the scrape below finds it in its grace period (a
  // backoff drawn near 0 let it resume first).
  const b = fx.client('Metrb', { backoff: { baseMs: 2000, capMs: 2000 }, random: () => 0.9 });
  await joined(a);
  await joined(b);
  // Wait for a reported round trip and a few ticks, however long the machine takes.
  let during = await scrape(base);
  for (const end = performance.now() + 10_000; value(during, 'tether_rtt_seconds_count') < 1 || value(during, 'tether_tick_duration_seconds_count') <= 5; ) {
    assert.ok(performance.now() < end, 'no round trip measured within 10 s');
    await new Promise((r) => setTimeout(r, 50));
    during = await scrape(base);
  }
  assert.equal(value(during, 'tether_players_online'), 2);
  assert.ok(value(during, 'tether_tick_duration_seconds_count') > 5);
  assert.ok(value(during, 'tether_bytes_out') > value(before, 'tether_bytes_out'));
  assert.ok(value(during, 'tether_rtt_seconds_count') >= 1, 'server measured ping round trips');
  // The other server's registry is its own.
  assert.equal(value(await scrape(`http://127.0.0.1:${other.server.port}`), 'tether_players_online'), 0);

  // A drop puts b in grace; its resume is counted with a latency.
  const id = b.selfId!;
  fx.server.gateway.links.forEach((l) => {
    if (fx.server.room.playerIdOf(l) === id) l.terminate();
  });
  await until(a, () => a.players.get(id)?.info.state === 'reconnecting', 'A sees B reconnecting');
  const grace = await scrape(base);
  assert.equal(value(grace, 'tether_sessions_in_grace'), 1);
  assert.equal(value(grace, 'tether_disconnects_total{kind="dropped"}'), 1);
  await until(b, () => b.status.kind === 'live' && b.resumes === 1, 'B resumed', 8000);
  const after = await scrape(base);
  assert.equal(value(after, 'tether_resumes_total{outcome="resumed"}'), 1);
  assert.equal(value(after, 'tether_resume_latency_seconds_count'), 1);
  assert.equal(value(after, 'tether_sessions_in_grace'), 0);

  const status = (await (await fetch(`${base}/status.json`, { headers: ADMIN_HEADERS })).json()) as { playersOnline: number; players: Array<{ name: string; state: string }> };
  assert.equal(status.playersOnline, 2);
  assert.deepEqual(status.players.map((p) => p.name).sort(), ['Metra', 'Metrb']);
});
