/**
 * WebSocket close codes Tether uses (4000-4999 is the application range). `retry` tells a client
 * whether reconnecting can help: a client stops only on codes a retry cannot fix.
 */
export const CloseCode = {
  VersionMismatch: 4000,
  ProtocolViolation: 4001,
  UnknownMessage: 4003,
  HelloTimeout: 4004,
  TakenOver: 4005,
  Banned: 4006,
  Flood: 4007,
  SlowReader: 4008,
  ServerRestarting: 4010,
  Left: 4012,
  Unauthorized: 4013,
  TooManyConnections: 4014,
  InternalError: 4015,
  Replaced: 4016,
  IdleTimeout: 4017,
  /** The client gave up on this socket (silent too long) and is reconnecting on a new one. */
  ClientReconnecting: 4018,
} as const;
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Codes after which an automatic reconnect must not happen: the user has to act. */
const FATAL = new Set<number>([CloseCode.VersionMismatch, CloseCode.TakenOver, CloseCode.Banned, CloseCode.Unauthorized]);

export function isRetryableClose(code: number): boolean {
  return !FATAL.has(code);
}

/** Close reasons are limited to 123 bytes by RFC 6455; keep them short and ASCII. */
export function closeReason(text: string): string {
  return text.length > 120 ? text.slice(0, 120) : text;
}
