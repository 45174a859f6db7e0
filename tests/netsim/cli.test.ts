import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseNetsimArgs } from '../../src/netsim/cli-args.js';
import { startTarget } from './net-helpers.js';

test('parses the documented command line', () => {
  const r = parseNetsimArgs(['--listen', '5001', '--target', '127.0.0.1:5000', '--profile', '3g', '--seed', '42', '--control', '5002']);
  assert.ok(r.ok === true);
  if (r.ok === true) assert.deepEqual(r.args, { listenHost: '127.0.0.1', listenPort: 5001, targetHost: '127.0.0.1', targetPort: 5000, profile: '3g', seed: 42, controlPort: 5002, controlHost: '127.0.0.1', quiet: false });
  const eq = parseNetsimArgs(['--listen=0', '--target=[::1]:80']);
  assert.ok(eq.ok === true && eq.args.targetHost === '::1' && eq.args.profile === 'ideal' && eq.args.seed === null);
});

test('rejects bad input with one clear reason', () => {
  const cases: [string[], RegExp][] = [
    [['--target', 'h:1'], /--listen needs a port/],
    [['--listen', '-1', '--target', 'h:1'], /--listen needs a port/],
    [['--listen', '70000', '--target', 'h:1'], /between 0 and 65535/],
    [['--listen', '1'], /--target HOST:PORT is required/],
    [['--listen', '1', '--target', 'nohost'], /HOST:PORT/],
    [['--listen', '1', '--target', 'h:0'], /between 1 and 65535/],
    [['--listen', '1', '--target', 'h:1', '--profile', 'lte'], /unknown profile "lte"/],
    [['--listen', '1', '--target', 'h:1', '--seed', '-3'], /--seed must be an integer/],
    [['--listen', '1', '--target', 'h:1', '--seed', '99999999999'], /--seed must be an integer/],
    [['--listen', '1', '--target', 'h:1', '--bogus'], /unknown argument/],
    [['--listen'], /--listen needs a value/],
  ];
  for (const [argv, re] of cases) {
    const r = parseNetsimArgs(argv);
    assert.ok(r.ok === false, argv.join(' '));
    if (r.ok === false) assert.match(r.error, re, argv.join(' '));
  }
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/netsim/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('the CLI fails with one line and a non-zero exit, never a stack trace', { timeout: 30_000 }, async () => {
  const target = await startTarget();
  try {
    const results = await Promise.all([
      runCli(['--listen', '0', '--target', `127.0.0.1:${target.port}`, '--profile', 'lte']),
      runCli(['--listen', String(target.port), '--target', `127.0.0.1:${target.port}`]),
      runCli(['--listen', '0', '--target', '127.0.0.1:1']),
    ]);
    const expected = [/unknown profile "lte"/, /cannot listen: EADDRINUSE/, /unreachable \(ECONNREFUSED\)/];
    results.forEach((r, i) => {
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, expected[i]!);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  } finally {
    await target.close();
  }
});

test('the CLI prints seed and profile first and stops on SIGTERM', { timeout: 30_000 }, async () => {
  const target = await startTarget();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/netsim/main.ts', '--listen', '0', '--target', `127.0.0.1:${target.port}`, '--profile', '3g', '--seed', '42', '--control', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    while (!out.includes('control http')) {
      const [b] = (await once(child.stdout, 'data')) as [Buffer];
      out += b.toString();
    }
    assert.match(out.split('\n')[0]!, /^netsim: seed=42 profile=3g$/);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await target.close();
  }
});
