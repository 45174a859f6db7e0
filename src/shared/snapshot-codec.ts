/**
 * Binary world-state frames (server -> client). Layout, all integers big-endian:
 *
 *   u8  type        1 = snapshot
 *   u8  kind        0 = full (the listed bodies are every body in the world)
 *                   1 = delta (only bodies whose motion changed are listed; `removed` ids left)
 *   u32 tick        server tick the state belongs to
 *   u32 ackSeq      last input seq the server applied for the *recipient* (0 = none)
 *   u16 count       then `count` bodies of 9 bytes:
 *        u32 id, u16 x*8, u16 y*8,
 *        u8 flags: bits 0-1 facing, bit 2 moving, bit 3 reconnecting, bits 4-7 held dirs
 *   u16 removed     then `removed` u32 ids
 *
 * Motion model (what makes deltas small): a body record says "at `tick` the body was here, and it
 * holds `dirs`". Movement is deterministic (stepBody), so every reader steps an unlisted body
 * forward one tick per frame with the dirs of its last record and lands exactly where the server
 * has it. The server keeps the same model for every body and lists a body only when the model
 * would be wrong (direction change, missed input, stop, resume, reconnecting flag, join). A delta
 * therefore only makes sense on top of the previous frame: the server sends a full frame after
 * a join/resume and after any skipped frame (the room's Member.needsFullState).
 *
 * The model is shared by all recipients, so each frame is encoded once per tick; ackSeq is the
 * only per-recipient field and sits at a fixed offset, patched per copy (see withAck).
 */
import { POSITION_SCALE } from './world-rules.js';
import { DIR_MASK, type Facing } from './movement.js';

export const MSG_SNAPSHOT = 1;
export const SNAPSHOT_FULL = 0;
export const SNAPSHOT_DELTA = 1;
export const SNAPSHOT_HEADER_BYTES = 12;
export const SNAPSHOT_BODY_BYTES = 9;
/** Where ackSeq sits in a snapshot; a sender may patch it in its own copy (see withAck). */
export const SNAPSHOT_ACK_OFFSET = 6;
const ACK_OFFSET = SNAPSHOT_ACK_OFFSET;
const MAX_COUNT = 0xffff;

export interface BodyState {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly facing: Facing;
  readonly moving: boolean;
  readonly reconnecting: boolean;
  /** Directions held from this tick on (0 when absent: the body stands still). */
  readonly dirs?: number;
}

export interface Snapshot {
  readonly kind: typeof SNAPSHOT_FULL | typeof SNAPSHOT_DELTA;
  readonly tick: number;
  readonly ackSeq: number;
  readonly bodies: readonly BodyState[];
  readonly removed: readonly number[];
}

export function encodedSnapshotBytes(bodies: number, removed: number): number {
  return SNAPSHOT_HEADER_BYTES + bodies * SNAPSHOT_BODY_BYTES + 2 + removed * 4;
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  if (s.bodies.length > MAX_COUNT || s.removed.length > MAX_COUNT) throw new RangeError('too many bodies for one snapshot');
  const bytes = new Uint8Array(encodedSnapshotBytes(s.bodies.length, s.removed.length));
  const view = new DataView(bytes.buffer);
  view.setUint8(0, MSG_SNAPSHOT);
  view.setUint8(1, s.kind);
  view.setUint32(2, s.tick >>> 0);
  view.setUint32(ACK_OFFSET, s.ackSeq >>> 0);
  view.setUint16(10, s.bodies.length);
  let o = SNAPSHOT_HEADER_BYTES;
  for (const b of s.bodies) {
    view.setUint32(o, b.id >>> 0);
    view.setUint16(o + 4, toWire(b.x));
    view.setUint16(o + 6, toWire(b.y));
    view.setUint8(o + 8, (b.facing & 3) | (b.moving ? 4 : 0) | (b.reconnecting ? 8 : 0) | (((b.dirs ?? 0) & DIR_MASK) << 4));
    o += SNAPSHOT_BODY_BYTES;
  }
  view.setUint16(o, s.removed.length);
  o += 2;
  for (const id of s.removed) {
    view.setUint32(o, id >>> 0);
    o += 4;
  }
  return bytes;
}

/** A copy of an encoded snapshot addressed to one recipient. */
export function withAck(encoded: Uint8Array, ackSeq: number): Uint8Array {
  const copy = encoded.slice();
  new DataView(copy.buffer).setUint32(ACK_OFFSET, ackSeq >>> 0);
  return copy;
}

export type SnapshotDecode = { ok: true; value: Snapshot & { readonly bodies: readonly Required<BodyState>[] } } | { ok: false; detail: string };

export function decodeSnapshot(bytes: Uint8Array): SnapshotDecode {
  if (bytes.length < SNAPSHOT_HEADER_BYTES + 2) return { ok: false, detail: 'snapshot shorter than its header' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== MSG_SNAPSHOT) return { ok: false, detail: 'not a snapshot' };
  const kind = view.getUint8(1);
  if (kind !== SNAPSHOT_FULL && kind !== SNAPSHOT_DELTA) return { ok: false, detail: `unknown snapshot kind ${kind}` };
  const count = view.getUint16(10);
  let o = SNAPSHOT_HEADER_BYTES;
  if (bytes.length < o + count * SNAPSHOT_BODY_BYTES + 2) return { ok: false, detail: 'snapshot truncated' };
  const bodies: Required<BodyState>[] = [];
  for (let i = 0; i < count; i++) {
    const flags = view.getUint8(o + 8);
    bodies.push({
      id: view.getUint32(o),
      x: view.getUint16(o + 4) / POSITION_SCALE,
      y: view.getUint16(o + 6) / POSITION_SCALE,
      facing: (flags & 3) as Facing,
      moving: (flags & 4) !== 0,
      reconnecting: (flags & 8) !== 0,
      dirs: flags >>> 4,
    });
    o += SNAPSHOT_BODY_BYTES;
  }
  const removedCount = view.getUint16(o);
  o += 2;
  if (bytes.length !== o + removedCount * 4) return { ok: false, detail: 'snapshot length mismatch' };
  const removed: number[] = [];
  for (let i = 0; i < removedCount; i++) removed.push(view.getUint32(o + i * 4));
  return { ok: true, value: { kind, tick: view.getUint32(2), ackSeq: view.getUint32(ACK_OFFSET), bodies, removed } };
}

function toWire(v: number): number {
  const q = Math.round(v * POSITION_SCALE);
  return q < 0 ? 0 : q > 0xffff ? 0xffff : q;
}
