/**
 * A hostile client in its own process (so its busy loop does not steal the test's event loop):
 * for `durationMs` it sends as fast as the socket takes frames — pings, inputs, input batches,
 * chat, hellos — and when the server closes it for flooding it reconnects and starts again.
 * Prints one JSON line: frames sent, connections made, close codes seen.
 *
 *   node --import tsx tests/support/flooder.ts ws://127.0.0.1:PORT/ws 3000
 */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL } from '../../src/shared/protocol.js';

const [url, durationArg] = process.argv.slice(2);
if (!url) throw new Error('usage: flooder.ts URL [durationMs]');
const durationMs = Number(durationArg ?? 3000);
const end = Date.now() + durationMs;
let sent = 0;
let connections = 0;
const closes: Record<string, number> = {};

const frames = [
  JSON.stringify({ t: 'ping', id: 1, ct: 0 }),
  JSON.stringify({ t: 'input', seq: 1, dirs: 8 }),
  JSON.stringify({ t: 'inputs', first: 1, dirs: [8, 8, 8, 8, 8, 8, 8, 8] }),
  JSON.stringify({ t: 'chat', id: 'f', text: 'x\u0301'.repeat(200) }),
  JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, name: 'Flooder', character: 0 }),
];

function once(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url!, [SUBPROTOCOL], { perMessageDeflate: false });
    connections++;
    let seq = 1;
    ws.on('error', () => {});
    ws.on('close', (code) => {
      closes[code] = (closes[code] ?? 0) + 1;
      resolve();
    });
    ws.on('open', () => {
      ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, name: `Flood${connections}`, character: 0 }));
      const blast = () => {
        if (ws.readyState !== WebSocket.OPEN || Date.now() > end) {
          ws.terminate();
          return;
        }
        // Keep the socket's buffer full but bounded, then yield so 'close' can arrive.
        for (let i = 0; i < 500 && ws.bufferedAmount < 256 * 1024; i++) {
          const f = sent % 7 === 0 ? JSON.stringify({ t: 'input', seq: seq++, dirs: 8 }) : frames[sent % frames.length]!;
          ws.send(f);
          sent++;
        }
        setImmediate(blast);
      };
      blast();
    });
  });
}

while (Date.now() < end) await once();
process.stdout.write(JSON.stringify({ sent, connections, closes }) + '\n');
