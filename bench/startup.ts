/**
 * `npm run bench:startup`: the server's start-up (process spawn to the "listening" log line on stderr and to
 * the first 200 from /healthz) and idle RSS, run through the TypeScript loader (tsx, how it ran
 * before) and from the bundle (dist/server/main.js, how `npm start` runs it now). Builds first.
 * Writes bench-results/startup.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { buildServer } from '../scripts/build-server.js';
import { percentile } from './support/percentile.js';

const median = (v: readonly number[]): number => percentile(v, 50);

const RUNS = Number(process.env['RUNS'] ?? 5);
const IDLE_MS = 5000;

interface Run {
  listeningMs: number;
  healthzMs: number;
  idleRssMb: number;
}

function healthz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

async function once(args: string[]): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args, '--port', '0', '--db', ':memory:', '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"event":"listening".*?"url":"http:\/\/[^:]+:(\d+)"/.exec(out);
        if (m?.[1]) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const listeningMs = performance.now() - t0;
    while (!(await healthz(port))) await new Promise((r) => setTimeout(r, 5));
    const healthzMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { listeningMs, healthzMs, idleRssMb: rssMb(child.pid!) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

await buildServer();
const variants: Record<string, string[]> = {
  'tsx src/server/main.ts (before)': ['--import', 'tsx', 'src/server/main.ts'],
  'node dist/server/main.js (npm start)': ['dist/server/main.js'],
};
const results: Record<string, { listening_ms: number; healthz_ms: number; idle_rss_mb: number; runs: number }> = {};
// Rounds alternate the variants, so a busy moment on a shared machine hits both alike.
const samples = new Map<string, Run[]>(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(variants)) samples.get(name)!.push(await once(args));
for (const [name, runs] of samples) {
  results[name] = {
    listening_ms: Math.round(median(runs.map((r) => r.listeningMs))),
    healthz_ms: Math.round(median(runs.map((r) => r.healthzMs))),
    idle_rss_mb: Math.round(median(runs.map((r) => r.idleRssMb)) * 10) / 10,
    runs: RUNS,
  };
}
console.log(`server start-up, median of ${RUNS} runs (spawn -> listening line, -> first /healthz 200; RSS after ${IDLE_MS / 1000} s idle)`);
console.log(`${'variant'.padEnd(40)} ${'listening'.padStart(10)} ${'healthz'.padStart(10)} ${'idle RSS'.padStart(10)}`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(40)} ${`${r.listening_ms} ms`.padStart(10)} ${`${r.healthz_ms} ms`.padStart(10)} ${`${r.idle_rss_mb} MB`.padStart(10)}`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/startup.json', JSON.stringify(results, null, 2));
