/**
 * `npm run netsim -- --listen 5001 --target 127.0.0.1:5000 --profile 3g --seed 42 --control 5002`
 * Composition root of the chaos proxy: parses arguments, checks the target answers, starts the
 * proxy and prints seed and profile first, so any run can be repeated exactly.
 * Events go to stderr as JSON lines; failures are one line and a non-zero exit.
 */
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { parseNetsimArgs, USAGE } from './cli-args.js';
import { startChaosProxy } from './chaos-proxy.js';
import { describeProfile, PROFILES } from '../shared/netsim-profiles.js';

function fail(message: string): never {
  process.stderr.write(`netsim: ${message}\n`);
  process.exit(1);
}

/** A proxy in front of nothing only produces confusing resets later: say so now. */
function probe(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (err: string | null): void => {
      s.destroy();
      resolve(err);
    };
    s.setTimeout(timeoutMs, () => done(`timed out after ${timeoutMs} ms`));
    s.once('connect', () => done(null));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

async function main(): Promise<void> {
  const parsed = parseNetsimArgs(process.argv.slice(2));
  if (parsed.ok === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!parsed.ok) fail(`${parsed.error}\n${USAGE}`);
  const a = parsed.args;
  const seed = a.seed ?? randomInt(0, 2 ** 32 - 1);
  const unreachable = await probe(a.targetHost, a.targetPort, 3000);
  if (unreachable) fail(`target ${a.targetHost}:${a.targetPort} is unreachable (${unreachable})`);

  const proxy = await startChaosProxy({
    listenHost: a.listenHost,
    listenPort: a.listenPort,
    targetHost: a.targetHost,
    targetPort: a.targetPort,
    profile: a.profile,
    seed,
    ...(a.controlPort !== null ? { controlPort: a.controlPort, controlHost: a.controlHost } : {}),
    log: a.quiet ? undefined : (e) => process.stderr.write(`${JSON.stringify(e)}\n`),
  }).catch((err: NodeJS.ErrnoException) => {
    const where = err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL' ? ` (${(err as { address?: string }).address ?? ''}:${(err as { port?: number }).port ?? ''})` : '';
    fail(`cannot listen: ${err.code ?? err.message}${where}`);
  });

  // Before the banner: whoever waits for it may signal us right away.
  const stop = (): void => {
    void proxy.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  process.stdout.write(`netsim: seed=${seed} profile=${a.profile}\n`);
  process.stdout.write(`netsim: ${describeProfile(PROFILES[a.profile])}\n`);
  process.stdout.write(`netsim: ${a.listenHost}:${proxy.port} -> ${a.targetHost}:${a.targetPort}`);
  process.stdout.write(proxy.controlPort !== null ? `, control http://${a.controlHost}:${proxy.controlPort}\n` : '\n');
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
