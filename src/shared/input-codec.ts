/**
 * Binary input frames (client -> server), the one kind of message a moving player sends many
 * times a second, in a compact form so the server does not pay for JSON.parse and schema
 * validation on every one. Big-endian like the snapshot codec. Two layouts:
 *
 *   single (0x10), exactly INPUT_FRAME_BYTES:
 *     u8  type        0x10
 *     u32 seq         1..2^32-1, as in the JSON `input` message
 *     u8  dirs        held directions, 0..DIR_MASK (bit set: 1 up, 2 down, 4 left, 8 right)
 *
 *   runs (0x11), 5 + 2 * runs bytes:
 *     u32 firstSeq    seq of the first input in the frame
 *     then 1..MAX_INPUT_RUNS pairs of
 *       u8 dirs       held directions
 *       u8 count      1..255 consecutive ticks holding them
 *     Seqs follow on: the frame carries inputs firstSeq .. firstSeq + total - 1, at most
 *     MAX_TICKS_PER_INPUT_FRAME of them.
 *
 * Why runs: a player holds the same keys for many ticks, so a client can send its inputs a few
 * ticks at a time (and at once when the keys change) instead of one socket message per tick.
 * Every input still has its own seq and is applied by the server exactly once, one per tick, so
 * prediction stays exact. `{"t":"input"}` and `{"t":"inputs"}` stay valid. Any other binary
 * frame from a client is a protocol violation (close 4001).
 */
import { DIR_MASK } from './movement.js';

export const MSG_INPUT = 0x10;
export const MSG_INPUT_RUNS = 0x11;
export const INPUT_FRAME_BYTES = 6;
export const MAX_INPUT_RUNS = 8;
export const MAX_TICKS_PER_INPUT_FRAME = 32;
const MAX_SEQ = 0xffffffff;

export function encodeInputFrame(seq: number, dirs: number): Uint8Array {
  const bytes = new Uint8Array(INPUT_FRAME_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, MSG_INPUT);
  view.setUint32(1, seq >>> 0);
  view.setUint8(5, dirs & 0xff);
  return bytes;
}

/** `runs` is flat: dirs, count, dirs, count, … (the caller keeps counts within the limits). */
export function encodeInputRuns(firstSeq: number, runs: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(5 + runs.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, MSG_INPUT_RUNS);
  view.setUint32(1, firstSeq >>> 0);
  for (let i = 0; i < runs.length; i++) bytes[5 + i] = runs[i]! & 0xff;
  return bytes;
}

/** `runs` is flat like encodeInputRuns's; a single input decodes as one run of 1. */
export type InputFrameDecode = { ok: true; firstSeq: number; runs: number[] } | { ok: false; detail: string };

/** Untrusted bytes in, a result out (never a throw). */
export function decodeInputFrame(bytes: Uint8Array): InputFrameDecode {
  const type = bytes[0];
  if (type === MSG_INPUT) return decodeSingle(bytes);
  if (type === MSG_INPUT_RUNS) return decodeRuns(bytes);
  return { ok: false, detail: `binary frame of unknown type ${type ?? '(empty)'}: the only binary frames accepted from clients are inputs (0x10, 0x11)` };
}

function decodeSingle(bytes: Uint8Array): InputFrameDecode {
  if (bytes.byteLength !== INPUT_FRAME_BYTES) {
    return { ok: false, detail: `binary frame of ${bytes.byteLength} bytes: a single input (0x10) is ${INPUT_FRAME_BYTES} bytes` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, INPUT_FRAME_BYTES);
  const seq = view.getUint32(1);
  if (seq < 1) return { ok: false, detail: 'binary input: seq must be at least 1' };
  const dirs = view.getUint8(5);
  if (dirs > DIR_MASK) return { ok: false, detail: `binary input: dirs ${dirs} out of range 0..${DIR_MASK}` };
  return { ok: true, firstSeq: seq, runs: [dirs, 1] };
}

function decodeRuns(bytes: Uint8Array): InputFrameDecode {
  const n = bytes.byteLength;
  if (n < 7 || n > 5 + 2 * MAX_INPUT_RUNS || (n - 5) % 2 !== 0) {
    return { ok: false, detail: `binary frame of ${n} bytes: input runs (0x11) are 5 bytes plus 1..${MAX_INPUT_RUNS} pairs of 2` };
  }
  const firstSeq = new DataView(bytes.buffer, bytes.byteOffset, n).getUint32(1);
  if (firstSeq < 1) return { ok: false, detail: 'binary input runs: firstSeq must be at least 1' };
  const runs: number[] = [];
  let total = 0;
  for (let o = 5; o < n; o += 2) {
    const dirs = bytes[o]!;
    const count = bytes[o + 1]!;
    if (dirs > DIR_MASK) return { ok: false, detail: `binary input runs: dirs ${dirs} out of range 0..${DIR_MASK}` };
    if (count < 1) return { ok: false, detail: 'binary input runs: a run of 0 ticks' };
    total += count;
    runs.push(dirs, count);
  }
  if (total > MAX_TICKS_PER_INPUT_FRAME) return { ok: false, detail: `binary input runs: ${total} ticks in one frame, the limit is ${MAX_TICKS_PER_INPUT_FRAME}` };
  if (firstSeq + total - 1 > MAX_SEQ) return { ok: false, detail: 'binary input runs: seq would pass 2^32-1' };
  return { ok: true, firstSeq, runs };
}
