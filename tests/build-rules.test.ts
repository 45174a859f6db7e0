/**
 * The build's architecture and lint rules bite: each checker, run exactly as `npm run typecheck`
 * and `npm run lint` run it, fails on a fixture made to break one rule (tests/build-fixtures),
 * and names that rule. A rule that stopped working (a config typo, a tool upgrade that changed
 * an option's meaning) would otherwise pass silently forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'tests', 'build-fixtures');
const bin = {
  tsc: join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  depcruise: join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
  eslint: join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
};

/** Runs a checker; resolves with its exit code and output (a failing check is the point here). */
function run(script: string, args: string[], cwd = root): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 90_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/** `file(line,col): error TSnnnn: message` lines of tsc, by file name. */
function tscErrors(out: string): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const m of out.matchAll(/^(.+?)\(\d+,\d+\): error (TS\d+: .*)$/gm)) {
    const file = m[1]!.split('/').pop()!;
    byFile.set(file, [...(byFile.get(file) ?? []), m[2]!]);
  }
  return byFile;
}

const runtimes: Array<{ config: string; breaks: Record<string, RegExp> }> = [
  { config: 'core', breaks: { 'uses-buffer.ts': /Cannot find name 'Buffer'/, 'uses-document.ts': /Cannot find name 'document'/ } },
  { config: 'browser', breaks: { 'uses-process.ts': /Cannot find name 'process'/ } },
  { config: 'node', breaks: { 'uses-window.ts': /Cannot find name 'window'/ } },
];

for (const { config, breaks } of runtimes) {
  test(`tsconfig boundary: the ${config} runtime's config rejects globals it must not have`, async () => {
    const { code, out } = await run(bin.tsc, ['-p', join(fixtures, 'tsconfig', config)]);
    assert.notEqual(code, 0, `tsc passed on the ${config} fixtures:\n${out}`);
    const errors = tscErrors(out);
    for (const [file, expected] of Object.entries(breaks)) {
      const got = errors.get(file) ?? [];
      assert.equal(got.length, 1, `${file}: expected exactly one error, got ${JSON.stringify(got)}\n${out}`);
      assert.match(got[0]!, expected);
    }
    assert.deepEqual([...errors.keys()].sort(), Object.keys(breaks).sort(), 'no other fixture file fails');
  });
}

test('import rules: each rule of .dependency-cruiser.cjs catches the fixture named after it, and only that', async () => {
  // JSON output to read the violations; it exits 0, the default output that typecheck uses exits
  // with the number of violations of severity error.
  const { out } = await run(bin.depcruise, ['src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], join(fixtures, 'imports'));
  const result = JSON.parse(out.slice(out.indexOf('{'))) as { summary: { violations: Array<{ from: string; rule: { name: string; severity: string } }> } };
  assert.ok(result.summary.violations.every((v) => v.rule.severity === 'error'), 'every violation fails the check');
  const found = result.summary.violations.map((v) => `${v.rule.name} <- ${v.from}`).sort();
  const expected = [
    'shared-imports-only-shared <- src/shared/shared-imports-only-shared.ts',
    'core-imports-only-shared <- src/client/core/core-imports-only-shared.ts',
    'browser-imports-only-shared-and-core <- src/client/browser/browser-imports-only-shared-and-core.ts',
    'server-never-imports-client <- src/server/server-never-imports-client.ts',
    'game-never-imports-net <- src/server/game/game-never-imports-net.ts',
    'bots-and-netsim-never-import-server <- src/bots/bots-and-netsim-never-import-server.ts',
    'bots-and-netsim-never-import-server <- src/netsim/bots-and-netsim-never-import-server.ts',
    'no-node-builtins-outside-node <- src/shared/no-node-builtins-outside-node.ts',
    'no-node-builtins-outside-node <- src/client/browser/no-node-builtins-outside-node.ts',
    'no-packages-outside-node-but-zod <- src/client/core/no-packages-outside-node-but-zod.ts',
  ].sort();
  assert.deepEqual(found, expected);
  // Every rule in the config has a fixture that breaks it.
  const config = (await import(join(root, '.dependency-cruiser.cjs'))) as { default: { forbidden: Array<{ name: string }> } };
  assert.deepEqual(new Set(config.default.forbidden.map((r) => r.name)), new Set(found.map((f) => f.split(' <- ')[0])));
});

test('lint rules: eslint reports each fixture under the rule it breaks', async () => {
  const { code, out } = await run(bin.eslint, ['--no-ignore', '--format', 'json', join(fixtures, 'lint')]);
  assert.equal(code, 1, `eslint should fail on the fixtures:\n${out.slice(0, 2000)}`);
  const results = JSON.parse(out) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; message: string }> }>;
  const byFile = Object.fromEntries(results.map((r) => [r.filePath.split('/').pop()!, r.messages.map((m) => m.ruleId)]));
  assert.deepEqual(byFile, {
    'no-floating-promises.ts': ['@typescript-eslint/no-floating-promises'],
    'no-misused-promises.ts': ['@typescript-eslint/no-misused-promises'],
    'switch-exhaustiveness-check.ts': ['@typescript-eslint/switch-exhaustiveness-check'],
  });
  const missing = results.find((r) => r.filePath.endsWith('switch-exhaustiveness-check.ts'))!.messages[0]!.message;
  assert.match(missing, /"gone"/, 'names the case the switch forgot');
});
