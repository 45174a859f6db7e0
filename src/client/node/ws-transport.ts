/** The Transport seam filled with the `ws` package, for Node clients (tests, bots, benchmarks). */
import WebSocket from 'ws';
import type { TransportFactory } from '../core/transport.js';

export const wsTransport: TransportFactory = (url, protocols, handlers) => {
  const ws = new WebSocket(url, protocols, { perMessageDeflate: false, handshakeTimeout: 10_000 });
  let closedByUs = false;
  let reported = false;
  const report = (code: number, reason: string) => {
    if (reported || closedByUs) return;
    reported = true;
    handlers.onClose(code, reason);
  };
  ws.binaryType = 'nodebuffer';
  ws.on('open', () => handlers.onOpen(ws.protocol));
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (closedByUs) return;
    handlers.onMessage(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data.toString('utf8'));
  });
  ws.on('close', (code: number, reason: Buffer) => report(code, reason.toString()));
  // Errors are always followed by 'close'; listening here keeps them from being thrown.
  ws.on('error', () => {});
  return {
    send(data) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    },
    close(code = 1000, reason = '') {
      closedByUs = true;
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) {
        ws.close(code, reason);
        // A dead peer never answers the close handshake; do not keep the socket for it.
        setTimeout(() => ws.terminate(), 1000).unref();
      }
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
};
