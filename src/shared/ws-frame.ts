/**
 * WebSocket framing (RFC 6455 section 5.2) as plain bytes, for the two places that put frames on
 * a TCP socket themselves instead of through the `ws` library: the server's state fast path
 * (server/net/client-link.ts), which frames a tick's control messages and state frame into one
 * socket write, and the lean load-test bots (bots/wire-bot.ts), which speak WebSocket on a raw
 * socket. One copy, so the two cannot disagree with each other or with the RFC.
 *
 *   byte 0      FIN (0x80) | RSV1-3 (0) | opcode (4 bits)
 *   byte 1      MASK (0x80) | payload length: 0..125, or 126 (u16 follows), or 127 (u64 follows)
 *   then        the extended length, big-endian; then the 4-byte masking key if MASK is set
 *   then        the payload; a masked payload is XORed with key[i % 4]
 *
 * Clients mask every frame, servers none (RFC 6455 5.1). Only unfragmented frames are written;
 * the reader reports FIN so a caller can refuse fragments it does not expect. Pure bytes over
 * Uint8Array (Node's Buffer is one), so it lives in shared and needs no Node.
 */

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** Bytes of the header of a frame with this payload length (2, 4 or 10, plus 4 when masked). */
export function frameHeaderLength(payloadLength: number, masked: boolean): number {
  return (payloadLength < 126 ? 2 : payloadLength < 0x10000 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Writes a final frame's header at `offset` and returns where the payload starts. With a masking
 * key the MASK bit is set and the key written; the caller still masks the payload (maskPayload).
 */
export function writeFrameHeader(out: Uint8Array, offset: number, opcode: number, payloadLength: number, maskKey?: number): number {
  let o = offset;
  const mask = maskKey === undefined ? 0 : 0x80;
  out[o++] = 0x80 | (opcode & 0x0f);
  if (payloadLength < 126) {
    out[o++] = mask | payloadLength;
  } else if (payloadLength < 0x10000) {
    out[o++] = mask | 126;
    out[o++] = payloadLength >>> 8;
    out[o++] = payloadLength & 0xff;
  } else {
    out[o++] = mask | 127;
    // A JavaScript length is below 2^53: the high word is below 2^21.
    const high = Math.floor(payloadLength / 0x100000000);
    const low = payloadLength >>> 0;
    out[o++] = 0;
    out[o++] = (high >>> 16) & 0xff;
    out[o++] = (high >>> 8) & 0xff;
    out[o++] = high & 0xff;
    out[o++] = low >>> 24;
    out[o++] = (low >>> 16) & 0xff;
    out[o++] = (low >>> 8) & 0xff;
    out[o++] = low & 0xff;
  }
  if (maskKey !== undefined) {
    out[o++] = maskKey >>> 24;
    out[o++] = (maskKey >>> 16) & 0xff;
    out[o++] = (maskKey >>> 8) & 0xff;
    out[o++] = maskKey & 0xff;
  }
  return o;
}

/** XORs `length` bytes at `offset` with the masking key (masking and unmasking are the same). */
export function maskPayload(bytes: Uint8Array, offset: number, length: number, maskKey: number): void {
  const key = [maskKey >>> 24, (maskKey >>> 16) & 0xff, (maskKey >>> 8) & 0xff, maskKey & 0xff];
  for (let i = 0; i < length; i++) bytes[offset + i] = bytes[offset + i]! ^ key[i & 3]!;
}

/** One whole frame: a server's (no key) or a client's (masked with `maskKey`). */
export function encodeFrame(opcode: number, payload: Uint8Array, maskKey?: number): Uint8Array {
  const out = new Uint8Array(frameHeaderLength(payload.length, maskKey !== undefined) + payload.length);
  const start = writeFrameHeader(out, 0, opcode, payload.length, maskKey);
  out.set(payload, start);
  if (maskKey !== undefined) maskPayload(out, start, payload.length, maskKey);
  return out;
}

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  /** The payload, unmasked; a view into the input when the frame was not masked. */
  readonly payload: Uint8Array;
  /** Header plus payload: what the frame took on the wire. */
  readonly wireBytes: number;
}

/**
 * Reads the whole frames at the start of `bytes` (a socket's stream may hold several, or end in
 * the middle of one). Returns them and how many bytes they used: the rest waits for more data.
 * A frame longer than `maxPayload` is an error, since waiting for it would hold its bytes.
 */
export function readFrames(bytes: Uint8Array, maxPayload = 0x7fffffff): { frames: Frame[]; used: number } {
  const frames: Frame[] = [];
  let o = 0;
  while (bytes.length - o >= 2) {
    const b0 = bytes[o]!;
    const b1 = bytes[o + 1]!;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (bytes.length - o < 4) break;
      length = (bytes[o + 2]! << 8) | bytes[o + 3]!;
      header = 4;
    } else if (length === 127) {
      if (bytes.length - o < 10) break;
      const high = ((bytes[o + 2]! << 24) | (bytes[o + 3]! << 16) | (bytes[o + 4]! << 8) | bytes[o + 5]!) >>> 0;
      const low = ((bytes[o + 6]! << 24) | (bytes[o + 7]! << 16) | (bytes[o + 8]! << 8) | bytes[o + 9]!) >>> 0;
      length = high * 0x100000000 + low;
      header = 10;
    }
    if (length > maxPayload) throw new RangeError(`frame of ${length} bytes is over the limit of ${maxPayload}`);
    const keyAt = o + header;
    if (masked) header += 4;
    if (bytes.length - o < header + length) break;
    const start = o + header;
    let payload = bytes.subarray(start, start + length);
    if (masked) {
      payload = payload.slice();
      const key = ((bytes[keyAt]! << 24) | (bytes[keyAt + 1]! << 16) | (bytes[keyAt + 2]! << 8) | bytes[keyAt + 3]!) >>> 0;
      maskPayload(payload, 0, length, key);
    }
    frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, wireBytes: header + length });
    o = start + length;
  }
  return { frames, used: o };
}
