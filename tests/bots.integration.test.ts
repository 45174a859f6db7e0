import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixture } from './support/server-fixture.js';
import { pollUntil } from './support/poll.js';
import { SwarmCounters } from '../src/bots/bot.js';
import { WireBot } from '../src/bots/wire-bot.js';
import { createRng } from '../src/shared/rng.js';
import { systemClock } from '../src/shared/system-clock.js';

test('npm run bots: 10 bots play ~5 s against a server, exit 0, no chat lost or duplicated', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const dir = mkdtempSync(join(tmpdir(), 'tether-bots-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'summary.json');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bots/main.ts', '--url', fx.wsUrl, '--count', '10', '--duration', '5', '--chat-every', '1', '--seed', '3', '--json', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, output);
  const s = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number | string[] | null>;
  assert.equal(s.joined, 10);
  assert.equal(s.failed, 0);
  assert.equal(s.chat_lost, 0);
  assert.equal(s.chat_duplicated, 0);
  assert.ok((s.chat_sent as number) >= 20, `chat sent ${s.chat_sent}`);
  // Expected deliveries: every line to every bot in the world when it was sent (nearly all 10).
  assert.ok((s.chat_received as number) >= (s.chat_sent as number) * 8, `received ${s.chat_received}`);
  assert.ok((s.updates_per_s_per_bot as number) > 10);
  assert.deepEqual(s.violations, []);
  assert.match(output, /chat lost\s+0/);
});

test('wire bots (the lean load generators) join, walk, ping and chat like players, and leave', async (t) => {
  const fx = await startFixture();
  t.after(() => fx.close());
  const counters = new SwarmCounters();
  const root = createRng(11);
  const bots = [0, 1, 2].map((index) => new WireBot({ url: fx.wsUrl, index, rng: root.fork(`bot.${index}`), profile: 'ideal', runTag: 'test', chatEveryMs: 300, changeP: 0.05 }, counters));
  for (const b of bots) b.start();
  const driver = setInterval(() => {
    const now = systemClock.now();
    for (const b of bots) b.drive(now);
  }, 20);
  t.after(() => clearInterval(driver));
  const room = fx.server.room;
  await pollUntil(() => bots.every((b) => b.live) && room.playerCount === 3, 'all three joined');
  const start = new Map(bots.map((b) => [b.id!, { ...room.world.bodies.get(b.id!)!.body }]));
  await pollUntil(() => bots.every((b) => {
    const now = room.world.bodies.get(b.id!)!.body;
    const was = start.get(b.id!)!;
    return now.x !== was.x || now.y !== was.y;
  }), 'every wire bot moved on the server');
  await pollUntil(() => counters.chatReceived >= 9 && counters.rtt.count >= 3 && counters.intervals.count >= 20, 'chat fanned out, pongs and state frames counted');
  assert.ok(counters.chatSent >= 3);
  assert.ok(counters.snapshots > 20 && counters.bytesIn > 0 && counters.bytesOut > 0);
  for (const b of bots) assert.ok(room.world.bodies.get(b.id!)!.lastQueuedSeq >= 4, 'inputs with seqs reached the server');
  assert.deepEqual(bots.map((b) => b.failed), [null, null, null]);
  for (const b of bots) b.leave();
  await pollUntil(() => room.playerCount === 0, 'all three left');
});
