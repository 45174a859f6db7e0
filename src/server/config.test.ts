import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config.js';

test('no flags, no environment: the defaults', () => {
  assert.deepEqual(loadConfig([], {}), DEFAULT_CONFIG);
  assert.equal(loadConfig(['--help'], {}), 'help');
  assert.equal(loadConfig(['-h'], {}), 'help');
});

test('environment variables, and flags over them', () => {
  const env = { PORT: '6000', HOST: '0.0.0.0', TETHER_TICK_RATE: '30', TETHER_GRACE_MS: '5000', TETHER_ALLOWED_ORIGINS: 'https://a.example, https://b.example,', TETHER_PASSWORD: 'pw' };
  const fromEnv = loadConfig([], env);
  assert.ok(fromEnv !== 'help');
  assert.deepEqual([fromEnv.port, fromEnv.host, fromEnv.rules.tickRateHz, fromEnv.graceMs, fromEnv.password], [6000, '0.0.0.0', 30, 5000, 'pw']);
  assert.deepEqual(fromEnv.allowedOrigins, ['https://a.example', 'https://b.example']);
  const flags = loadConfig(['--port', '0', '--world', '640x480', '--speed', '90', '--log-level', 'silent', '--parallel-send-min', '0'], env);
  assert.ok(flags !== 'help');
  assert.equal(flags.port, 0, 'the flag wins over PORT');
  assert.deepEqual(flags.rules, { widthUnits: 640, heightUnits: 480, speedUnitsPerS: 90, tickRateHz: 30 });
  assert.deepEqual([flags.logLevel, flags.parallelSendMin], ['silent', 0]);
});

test('bad values are refused with a message that names the setting and the range', () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--port', '70000'], {}, /port must be a whole number from 0 to 65535, got "70000"/],
    [['--tick-rate', '2.5'], {}, /tick rate must be a whole number from 1 to 120/],
    [[], { TETHER_TICK_RATE: '0' }, /tick rate/],
    [['--world', '10x10'], {}, /world must be WxH/],
    [['--world', 'big'], {}, /world must be WxH/],
    [['--grace-ms=-1'], {}, /grace period/],
    [['--log-level', 'loud'], {}, /unknown log level "loud"/],
  ];
  for (const [argv, env, message] of cases) {
    assert.throws(() => loadConfig(argv, env), (err: unknown) => err instanceof ConfigError && message.test(err.message), `${argv.join(' ')} ${JSON.stringify(env)}`);
  }
  assert.throws(() => loadConfig(['--no-such-flag'], {}), /no-such-flag/, 'unknown flags are refused');
});
