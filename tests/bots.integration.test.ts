import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixture } from './support/server-fixture.js';

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
