/**
 * One client sends as fast as it can for a few seconds (reconnecting whenever it is closed for
 * flooding) while 20 others play: walking, and chatting now and then. Every player's state
 * update rate stays within 10 % of the tick rate over the flood window.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { startFixture, joined } from './support/server-fixture.js';
import { assertNormalRate, walk, watchRate } from './support/limits-helpers.js';
import { CloseCode } from '../src/shared/close-codes.js';

const PLAYERS = 20;
const FLOOD_MS = 3000;

test('flood: one client sends flat out for 3 s while 20 others play; their update rate stays within 10 %', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const players = Array.from({ length: PLAYERS }, (_, i) => fx.client(`Player${i}`, { character: i % 6 }));
  await Promise.all(players.map((p) => joined(p, 10_000)));
  const stopWalking = walk(players);
  t.after(stopWalking);
  const chatter = setInterval(() => players[Math.floor(Math.random() * PLAYERS)]!.say('still here'), 400);
  t.after(() => clearInterval(chatter));

  const flooder = spawn(process.execPath, ['--import', 'tsx', 'tests/support/flooder.ts', fx.wsUrl, String(FLOOD_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => flooder.kill('SIGKILL'));
  // The attacker would be on its own machine; here it shares ours, so it gets the CPU last.
  try {
    setPriority(flooder.pid!, 19);
  } catch {
    // not permitted here: run at normal priority
  }
  let out = '';
  flooder.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // Start counting once the flooder's first connection is in.
  const t0 = performance.now();
  while (fx.server.gateway.rejected === 0 && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
  const window = watchRate(players, fx.config.rules.tickRateHz, () => fx.server.room.world.tick);
  const exit = await new Promise<number | null>((resolve) => flooder.on('exit', resolve));
  const rate = window.stop();
  clearInterval(chatter);
  stopWalking();

  assert.equal(exit, 0);
  const report = JSON.parse(out.trim().split('\n').at(-1)!) as { sent: number; connections: number; closes: Record<string, number> };
  assert.ok(report.sent > 10_000, `the flooder only sent ${report.sent} frames`);
  assert.ok((report.closes[CloseCode.Flood] ?? 0) >= 1, `the flooder was closed for flooding: ${JSON.stringify(report.closes)}`);
  assert.ok(rate.seconds >= 2, `flood window ${rate.seconds} s`);
  // Against the nominal rate (tickRate x seconds), as the issue asks: 10 %.
  assertNormalRate(rate, 0.1, `${PLAYERS} players during the flood`);
  // And every player got the ticks the server ran: nobody was starved for the flooder.
  assert.ok(Math.min(...rate.counts) >= rate.serverTicks! * 0.97 - 1, `min ${Math.min(...rate.counts)} of ${rate.serverTicks} ticks`);
  for (const p of players) assert.equal(p.status.kind, 'live');
  process.stdout.write(`# flood: ${report.sent} frames on ${report.connections} connections in ${FLOOD_MS} ms (closes ${JSON.stringify(report.closes)}); players got ${Math.min(...rate.counts)}-${Math.max(...rate.counts)} updates in ${rate.seconds.toFixed(2)} s (expected ${rate.expected.toFixed(0)}, server ran ${rate.serverTicks})\n`);
});
