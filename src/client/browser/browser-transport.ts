/**
 * The Transport seam filled with the browser's WebSocket. Binary frames arrive as ArrayBuffer and
 * are handed on as Uint8Array, the same shape the Node transport produces.
 */
import type { TransportFactory } from '../core/transport.js';

/** ws(s)://<this page's host>/ws: the game page and the socket share one origin and port. */
export function defaultSocketUrl(loc: Location = location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws`;
}

export const browserTransport: TransportFactory = (url, protocols, handlers) => {
  let closedByUs = false;
  let reported = false;
  const report = (code: number, reason: string): void => {
    if (reported || closedByUs) return;
    reported = true;
    handlers.onClose(code, reason);
  };
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, protocols);
  } catch (err) {
    // A malformed URL or subprotocol throws synchronously; report it like a failed connect,
    // but after returning so the caller has its transport object first.
    queueMicrotask(() => report(1006, err instanceof Error ? err.message : 'cannot open socket'));
    return { send() {}, close() { closedByUs = true; }, bufferedAmount: 0 };
  }
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    if (!closedByUs) handlers.onOpen(ws.protocol);
  };
  ws.onmessage = (ev: MessageEvent) => {
    if (closedByUs) return;
    const data: unknown = ev.data;
    if (typeof data === 'string') handlers.onMessage(data);
    else if (data instanceof ArrayBuffer) handlers.onMessage(new Uint8Array(data));
  };
  ws.onclose = (ev: CloseEvent) => report(ev.code, ev.reason);
  // 'error' is always followed by 'close', which carries what we need.
  ws.onerror = () => {};
  return {
    send(data) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    },
    close(code = 1000, reason = '') {
      closedByUs = true;
      // Browsers accept only 1000 and 3000-4999 from script, and reasons of at most 123 bytes.
      const safeCode = code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
      try {
        if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(safeCode, reason.slice(0, 60));
      } catch {
        ws.close();
      }
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
};
