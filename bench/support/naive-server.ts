/**
 * The reference point for bench:load: the "naive full-state JSON broadcast with ws" server of the
 * issue's table, built here so it can be measured on this machine in the same run as Tether
 * (the machine's speed and its neighbours' load then cancel out of the ratio).
 *
 * What a first multiplayer server usually is: every tick, move everyone by their held keys,
 * JSON.stringify the whole world once and ws.send it to every client; answer pings at once;
 * broadcast chat lines as they come. It speaks just enough of Tether's protocol for the wire
 * bots (src/bots/wire-bot.ts): hello -> welcome, binary inputs, chat, ping -> pong. No sessions,
 * no storage, no validation beyond what keeps it running: it is a yardstick, not a server.
 *
 *   node --import tsx bench/support/naive-server.ts --port 0 [--world 1000x1000 --speed 100 --tick-rate 20]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeInputFrame } from '../../src/shared/input-codec.js';
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../../src/shared/movement.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    world: { type: 'string', default: '1000x1000' },
    speed: { type: 'string', default: '100' },
    'tick-rate': { type: 'string', default: '20' },
  },
});
const [worldW, worldH] = values.world.split('x').map(Number) as [number, number];
const tickRateHz = Number(values['tick-rate']);
const step = Number(values.speed) / tickRateHz;

interface NaivePlayer {
  id: number;
  name: string;
  x: number;
  y: number;
  dirs: number;
}

const players = new Map<WebSocket, NaivePlayer>();
/** [when, how long] of recent ticks, for /status.json?window=seconds. */
const tickDurations: Array<[number, number]> = [];
let nextId = 1;
let chatSeq = 0;
let tick = 0;

const http = createServer((req, res) => {
  if (req.url?.startsWith('/status.json')) {
    const windowS = Number(new URL(req.url, 'http://x').searchParams.get('window') ?? 10);
    const since = performance.now() - windowS * 1000;
    const sorted = tickDurations.filter(([at]) => at >= since).map(([, d]) => d).sort((a, b) => a - b);
    const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : null);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tickMs: { p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? null, count: sorted.length }, state: { fullFramesSent: 0 } }));
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, path: '/ws', handleProtocols: (offered) => (offered.has('tether.1') ? 'tether.1' : false) });

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      const input = decodeInputFrame(data);
      const p = players.get(ws);
      if (input.ok && p) p.dirs = input.runs[input.runs.length - 2]!;
      return;
    }
    let msg: { t?: string; name?: string; id?: number; ct?: number; text?: string };
    try {
      msg = JSON.parse(data.toString()) as typeof msg;
    } catch {
      return;
    }
    if (msg.t === 'hello') {
      const p: NaivePlayer = { id: nextId++, name: String(msg.name), x: worldW / 2, y: worldH / 2, dirs: 0 };
      players.set(ws, p);
      ws.send(JSON.stringify({ t: 'welcome', you: { id: p.id, name: p.name, x: p.x, y: p.y }, chatSeq, rules: { widthUnits: worldW, heightUnits: worldH, tickRateHz } }));
    } else if (msg.t === 'ping') {
      ws.send(JSON.stringify({ t: 'pong', id: msg.id, ct: msg.ct, st: Date.now(), tick }));
    } else if (msg.t === 'chat') {
      const p = players.get(ws);
      if (!p) return;
      const line = JSON.stringify({ t: 'chat', seq: ++chatSeq, from: p.id, name: p.name, text: String(msg.text), echo: msg.id });
      for (const other of players.keys()) other.send(line);
    } else if (msg.t === 'leave') {
      ws.close(1000);
    }
  });
  ws.on('close', () => players.delete(ws));
  ws.on('error', () => {});
});

setInterval(() => {
  const started = performance.now();
  tick++;
  const list: Array<{ id: number; name: string; x: number; y: number; dirs: number }> = [];
  for (const p of players.values()) {
    let dx = (p.dirs & DIR_RIGHT ? 1 : 0) - (p.dirs & DIR_LEFT ? 1 : 0);
    let dy = (p.dirs & DIR_DOWN ? 1 : 0) - (p.dirs & DIR_UP ? 1 : 0);
    if (dx && dy) {
      dx *= Math.SQRT1_2;
      dy *= Math.SQRT1_2;
    }
    p.x = Math.min(Math.max(p.x + dx * step, 0), worldW);
    p.y = Math.min(Math.max(p.y + dy * step, 0), worldH);
    list.push({ id: p.id, name: p.name, x: p.x, y: p.y, dirs: p.dirs });
  }
  const state = JSON.stringify({ t: 'state', tick, players: list });
  for (const ws of players.keys()) ws.send(state);
  const ended = performance.now();
  tickDurations.push([ended, ended - started]);
  if (tickDurations.length > tickRateHz * 60) tickDurations.shift();
}, 1000 / tickRateHz);

http.listen(Number(values.port), '127.0.0.1', () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`naive reference server: Open http://127.0.0.1:${port}/ in a load test\n`);
});
process.on('SIGTERM', () => process.exit(0));
