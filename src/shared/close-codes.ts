/**
 * WebSocket close codes Tether uses (4000-4999 is the application range); every one is sent by
 * someone (docs/protocol.md lists who). isRetryableClose tells a client whether reconnecting can
 * help: a client stops only on codes a retry cannot fix. Retired, never reused: 4006 (banned) and
 * 4017 (idle), never sent; 4014 (too many connections), which is HTTP 429 at the upgrade.
 */
export const CloseCode = {
  VersionMismatch: 4000,
  ProtocolViolation: 4001,
  UnknownMessage: 4003,
  HelloTimeout: 4004,
  TakenOver: 4005,
  Flood: 4007,
  SlowReader: 4008,
  ServerRestarting: 4010,
  Left: 4012,
  Unauthorized: 4013,
  InternalError: 4015,
  Replaced: 4016,
  /** The client gave up on this socket (silent too long) and is reconnecting on a new one. */
  ClientReconnecting: 4018,
  /** The player's world runs elsewhere: a `moved` message said where; reconnect there at once. */
  Moved: 4019,
} as const;
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Codes after which an automatic reconnect must not happen: the user has to act. */
const FATAL = new Set<number>([CloseCode.VersionMismatch, CloseCode.TakenOver, CloseCode.Unauthorized]);

export function isRetryableClose(code: number): boolean {
  return !FATAL.has(code);
}

/** Close reasons are limited to 123 bytes by RFC 6455; keep them short and ASCII. */
export function closeReason(text: string): string {
  return text.length > 120 ? text.slice(0, 120) : text;
}
