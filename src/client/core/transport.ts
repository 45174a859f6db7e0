/**
 * The one seam between the client core and a real socket. The browser fills it with `WebSocket`,
 * Node (tests, bots) with `ws`, and the in-client network simulator wraps either one. The core
 * never sees which.
 */
export interface TransportHandlers {
  onOpen(protocol: string): void;
  onMessage(data: string | Uint8Array): void;
  /** Called exactly once per transport, also when opening failed. */
  onClose(code: number, reason: string): void;
}

export interface Transport {
  send(data: string | Uint8Array): void;
  /** Closes the socket; handlers are not called afterwards for a transport closed this way. */
  close(code?: number, reason?: string): void;
  /** Bytes queued locally and not yet handed to the network. */
  readonly bufferedAmount: number;
}

export type TransportFactory = (url: string, protocols: string[], handlers: TransportHandlers) => Transport;
