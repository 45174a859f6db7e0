/**
 * Command line of `npm run netsim`. Parsing is a pure function returning a result, so bad input
 * becomes one clear line on stderr instead of a stack trace, and the rules are testable.
 */
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../shared/netsim-profiles.js';

export interface NetsimArgs {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly profile: ProfileName;
  /** null = pick one at random (and print it, so the run can be repeated). */
  readonly seed: number | null;
  readonly controlPort: number | null;
  readonly controlHost: string;
  readonly quiet: boolean;
}

export const USAGE =
  'usage: npm run netsim -- --listen PORT --target HOST:PORT [--profile NAME] [--seed N] [--control PORT] [--host ADDR] [--control-host ADDR] [--quiet]\n' +
  `profiles: ${PROFILE_NAMES.join(', ')}`;

export type ParseResult = { ok: true; args: NetsimArgs } | { ok: false; error: string } | { ok: 'help' };

function port(text: string | undefined, flag: string, allowZero: boolean): number | string {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return `${flag} needs a port number, got ${JSON.stringify(text ?? '')}`;
  const n = Number(text);
  if (n > 65535 || (n === 0 && !allowZero)) return `${flag} must be between ${allowZero ? 0 : 1} and 65535, got ${n}`;
  return n;
}

export function parseNetsimArgs(argv: readonly string[]): ParseResult {
  const values = new Map<string, string>();
  let quiet = false;
  const withValue = new Set(['--listen', '--target', '--profile', '--seed', '--control', '--host', '--control-host']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { ok: 'help' };
    if (a === '--quiet') {
      quiet = true;
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!withValue.has(flag)) return { ok: false, error: `unknown argument ${JSON.stringify(a)}` };
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) return { ok: false, error: `${flag} needs a value` };
    values.set(flag, value);
  }

  const listen = port(values.get('--listen'), '--listen', true);
  if (typeof listen === 'string') return { ok: false, error: listen };
  const target = values.get('--target');
  if (!target) return { ok: false, error: '--target HOST:PORT is required' };
  const m = /^(.+):(\d+)$/.exec(target);
  if (!m) return { ok: false, error: `--target must be HOST:PORT, got ${JSON.stringify(target)}` };
  const targetPort = port(m[2], '--target port', false);
  if (typeof targetPort === 'string') return { ok: false, error: targetPort };
  const profile = values.get('--profile') ?? 'ideal';
  if (!isProfileName(profile)) return { ok: false, error: `unknown profile ${JSON.stringify(profile)} (known: ${PROFILE_NAMES.join(', ')})` };
  let seed: number | null = null;
  const seedText = values.get('--seed');
  if (seedText !== undefined) {
    if (!/^\d{1,10}$/.test(seedText) || Number(seedText) > 0xffffffff) return { ok: false, error: `--seed must be an integer from 0 to 4294967295, got ${JSON.stringify(seedText)}` };
    seed = Number(seedText);
  }
  let controlPort: number | null = null;
  if (values.has('--control')) {
    const c = port(values.get('--control'), '--control', true);
    if (typeof c === 'string') return { ok: false, error: c };
    controlPort = c;
  }
  const host = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return {
    ok: true,
    args: {
      listenHost: values.get('--host') ?? '127.0.0.1',
      listenPort: listen,
      targetHost: host,
      targetPort,
      profile,
      seed,
      controlPort,
      controlHost: values.get('--control-host') ?? '127.0.0.1',
      quiet,
    },
  };
}
