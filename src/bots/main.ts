/**
 * npm run bots -- --url ws://127.0.0.1:5000/ws --count 200 --profile mobile --seed 7 --duration 60 [--json out.json]
 *
 * Headless players in worker processes, a live one-line progress display, a summary table at the
 * end; exits non-zero when an invariant broke (a resume changed id or name, a chat line was lost
 * or delivered twice) or when no bot could join.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PROFILE_NAMES, isProfileName } from '../shared/netsim-profiles.js';
import { Swarm, type SwarmTotals } from './swarm.js';

const HELP = `Usage: npm run bots -- [options]
  --url URL            server WebSocket URL (default ws://127.0.0.1:5000/ws)
  --count N            bots (default 10)
  --profile NAME       network profile: ${PROFILE_NAMES.join(', ')} (default ideal)
  --seed N             seed for names, wandering, chat and the simulated network (default 1)
  --duration S         seconds to play after the last bot started (default 30)
  --chat-every S       seconds between one bot's chat lines (default 10)
  --per-process N      bots per worker process (default 250)
  --ramp N             bots started per second (default 100)
  --json FILE          also write the summary as JSON
`;

function main(): void {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:5000/ws' },
      count: { type: 'string', default: '10' },
      profile: { type: 'string', default: 'ideal' },
      seed: { type: 'string', default: '1' },
      duration: { type: 'string', default: '30' },
      'chat-every': { type: 'string', default: '10' },
      'per-process': { type: 'string', default: '250' },
      ramp: { type: 'string', default: '100' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const count = positive(values.count, 'count');
  const durationS = Number(values.duration);
  if (!(durationS > 0)) fail('--duration must be a positive number');
  if (!isProfileName(values.profile)) fail(`unknown profile "${values.profile}" (known: ${PROFILE_NAMES.join(', ')})`);
  let url = values.url;
  if (!/^wss?:\/\//.test(url)) fail('--url must be a ws:// or wss:// URL');
  if (!new URL(url).pathname.endsWith('/ws')) url = url.replace(/\/?$/, '/ws');
  const rampPerSec = positive(values.ramp, 'ramp');
  const swarm = new Swarm({
    url,
    count,
    perProcess: positive(values['per-process'], 'per-process'),
    profile: values.profile,
    seed: Number(values.seed) || 0,
    chatEveryMs: Number(values['chat-every']) * 1000,
    changeP: 0.05,
    rampPerSec,
  });
  const t0 = Date.now();
  swarm.start();
  const tty = process.stdout.isTTY === true;
  let lastLine = 0;
  const show = () => {
    const line = progressLine(swarm.totals(), (Date.now() - t0) / 1000);
    if (tty) process.stdout.write(`\r\x1b[2K${line}`);
    else if (Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      process.stdout.write(`${line}\n`);
    }
  };
  const ticker = setInterval(show, tty ? 500 : 1000);
  const stop = () => {
    swarm.kill();
    process.exit(130);
  };
  process.on('SIGINT', stop);
  const totalMs = (count / rampPerSec) * 1000 + durationS * 1000;
  setTimeout(() => {
    void (async () => {
      clearInterval(ticker);
      if (tty) process.stdout.write('\n');
      process.stdout.write('stopping: waiting for chat to settle...\n');
      const result = await swarm.finish();
      const t = result.totals;
      const seconds = (Date.now() - t0) / 1000;
      const summary = {
        url,
        profile: values.profile,
        seed: Number(values.seed) || 0,
        count,
        duration_s: Math.round(seconds),
        joined: t.joined,
        resumed: t.resumed,
        rejoined: t.rejoined,
        failed: Math.max(count - t.joined, t.failed),
        reconnects: t.reconnects,
        rtt_ms_p50: round(t.rtt.quantile(0.5)),
        rtt_ms_p99: round(t.rtt.quantile(0.99)),
        chat_sent: result.chat.sent,
        chat_received: result.chat.received,
        chat_lost: result.chat.lost,
        chat_duplicated: result.chat.duplicated,
        down_Bps_per_bot: Math.round(t.bytesIn / Math.max(1, t.joined) / seconds),
        up_Bps_per_bot: Math.round(t.bytesOut / Math.max(1, t.joined) / seconds),
        updates_per_s_per_bot: round(t.snapshots / Math.max(1, t.joined) / seconds),
        violations: [...result.violations, ...result.chat.examples],
        failures: result.failures.slice(0, 20),
      };
      process.stdout.write(table(summary));
      if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
      const broken = summary.chat_lost > 0 || summary.chat_duplicated > 0 || result.violations.length > 0;
      if (broken) process.stdout.write(`INVARIANT BROKEN:\n  ${summary.violations.slice(0, 10).join('\n  ')}\n`);
      swarm.kill();
      process.exit(broken ? 1 : t.joined === 0 ? 2 : 0);
    })();
  }, totalMs);
}

function progressLine(t: SwarmTotals, s: number): string {
  return `[${s.toFixed(0).padStart(4)}s] bots ${t.started} joined ${t.joined} live ${t.live} failed ${t.failed} reconnects ${t.reconnects} resumed ${t.resumed} | chat ${t.chatSent} sent ${t.chatReceived} recv ${t.chatDuplicated} dup | rtt p50 ${fmt(t.rtt.quantile(0.5))} ms | ${(t.bytesIn / 1024).toFixed(0)} KiB in${t.violations ? ` | ${t.violations} VIOLATIONS` : ''}`;
}

function table(s: Record<string, unknown>): string {
  const rows: Array<[string, unknown]> = [
    ['joined', s.joined], ['resumed', s.resumed], ['rejoined', s.rejoined], ['failed', s.failed], ['reconnects', s.reconnects],
    ['RTT p50 / p99 (ms)', `${fmt(s.rtt_ms_p50 as number)} / ${fmt(s.rtt_ms_p99 as number)}`],
    ['chat sent', s.chat_sent], ['chat received (expected deliveries)', s.chat_received], ['chat lost', s.chat_lost], ['chat duplicated', s.chat_duplicated],
    ['down bytes/s per bot', s.down_Bps_per_bot], ['up bytes/s per bot', s.up_Bps_per_bot], ['updates/s per bot', s.updates_per_s_per_bot],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${String(v)}`).join('\n')}\n\n`;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? n.toFixed(1) : '-';
}

function round(n: number): number | null {
  return Number.isFinite(n) ? Math.round(n * 10) / 10 : null;
}

function positive(raw: string | undefined, what: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`--${what} must be a whole number above 0`);
  return n;
}

function fail(message: string): never {
  process.stderr.write(`bots: ${message}\n`);
  process.exit(2);
}

main();
