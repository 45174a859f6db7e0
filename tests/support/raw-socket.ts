/** A bare `ws` socket for tests that must send what no well-behaved client would. */
import WebSocket from 'ws';
import { PROTOCOL_VERSION, SUBPROTOCOL } from '../../src/shared/protocol.js';

export interface RawSocket {
  ws: WebSocket;
  messages: unknown[];
  closed: Promise<{ code: number; reason: string }>;
  next(predicate: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

export async function openRaw(url: string, protocols: string[] = [SUBPROTOCOL], headers: Record<string, string> = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, protocols, { headers });
  const messages: unknown[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(JSON.parse(data.toString()));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const next = (predicate: (m: Record<string, unknown>) => boolean, ms = 3000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const unwait = () => {
        const i = waiters.indexOf(check);
        if (i >= 0) waiters.splice(i, 1);
      };
      const check = () => {
        const hit = messages.find((m) => predicate(m as Record<string, unknown>));
        if (!hit) return;
        clearTimeout(timer);
        unwait();
        resolve(hit as Record<string, unknown>);
      };
      const timer = setTimeout(() => {
        unwait();
        reject(new Error(`timed out waiting for a message; got ${JSON.stringify(messages).slice(0, 300)}`));
      }, ms);
      waiters.push(check);
      check();
    });
  return { ws, messages, closed, next };
}

export function hello(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, name, character: 0, ...extra });
}
