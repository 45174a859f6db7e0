/**
 * Binary input frames (client -> server): the one client message that is sent every tick, in a
 * compact form so the server does not pay for JSON.parse and schema validation 20 times a second
 * per moving player. Layout, big-endian like the snapshot codec:
 *
 *   u8  type        0x10 = input
 *   u32 seq         1..2^32-1, as in the JSON `input` message
 *   u8  dirs        held directions, 0..DIR_MASK (bit set: 1 up, 2 down, 4 left, 8 right)
 *
 * Exactly INPUT_FRAME_BYTES long. It means the same as `{"t":"input","seq":…,"dirs":…}`, which
 * stays valid. Any other binary frame from a client is a protocol violation (close 4001).
 */
import { DIR_MASK } from './movement.js';

export const MSG_INPUT = 0x10;
export const INPUT_FRAME_BYTES = 6;

export function encodeInputFrame(seq: number, dirs: number): Uint8Array {
  const bytes = new Uint8Array(INPUT_FRAME_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, MSG_INPUT);
  view.setUint32(1, seq >>> 0);
  view.setUint8(5, dirs & 0xff);
  return bytes;
}

export type InputFrameDecode = { ok: true; seq: number; dirs: number } | { ok: false; detail: string };

/** Untrusted bytes in, a result out (never a throw). */
export function decodeInputFrame(bytes: Uint8Array): InputFrameDecode {
  if (bytes.byteLength !== INPUT_FRAME_BYTES) {
    return { ok: false, detail: `binary frame of ${bytes.byteLength} bytes: the only binary frame accepted from clients is a ${INPUT_FRAME_BYTES}-byte input` };
  }
  if (bytes[0] !== MSG_INPUT) return { ok: false, detail: `binary frame of unknown type ${bytes[0]}: the only binary frame accepted from clients is an input` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, INPUT_FRAME_BYTES);
  const seq = view.getUint32(1);
  if (seq < 1) return { ok: false, detail: 'binary input: seq must be at least 1' };
  const dirs = view.getUint8(5);
  if (dirs > DIR_MASK) return { ok: false, detail: `binary input: dirs ${dirs} out of range 0..${DIR_MASK}` };
  return { ok: true, seq, dirs };
}
