/**
 * Runs the real server as a child process, as an operator would (`src/server/main.ts`), so a
 * benchmark can measure it from outside, kill it and start it again on the same port and database.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** The --admin-token benchmarks start servers with, to read /status.json. */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** Every bot comes from one loopback address: per-address game limits raised like the connection limit. */
export const LOOPBACK_CROWD = ['--max-grace-per-ip', '100000', '--new-names-per-ip-hour', '100000000', '--joins-per-ip-minute', '100000000'];

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServerProcess(args: string[], timeoutMs = 30_000): Promise<ServerProcess> {
  // Bots all come from loopback, which the per-address limit counts like any address; the
  // caller's own flags come after these and win.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--max-conns-per-ip', '100000', ...LOOPBACK_CROWD, '--admin-token', BENCH_ADMIN_TOKEN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/\S+?)\/? in/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    child,
    port,
    url,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
