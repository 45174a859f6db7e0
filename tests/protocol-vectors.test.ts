/**
 * docs/protocol-vectors.json, the examples published for implementers in other languages, holds
 * for our own codecs in both directions: every hex decodes to its stated meaning, every meaning
 * encodes to exactly its hex (our encoders are canonical: JSON in the key order shown, binary
 * fixed), every WebSocket frame is framed as shown, every refused frame is refused with its close
 * code, every movement step lands where it says. And the file covers every message type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CLIENT_MESSAGE_TYPES, decodeClientMessage, decodeServerMessage, encodeMessage, ErrorCodeSchema, PROTOCOL_VERSION, ServerMessageSchema } from '../src/shared/protocol.js';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_DELTA, SNAPSHOT_FULL, type BodyState } from '../src/shared/snapshot-codec.js';
import { decodeInputFrame, encodeInputFrame, encodeInputRuns } from '../src/shared/input-codec.js';
import { stepBody, type Body } from '../src/shared/movement.js';
import type { WorldRules } from '../src/shared/world-rules.js';
import { encodeFrame, Opcode, readFrames } from '../src/shared/ws-frame.js';
import { nameKey } from '../src/server/game/name-key.js';
import { CloseCode } from '../src/shared/close-codes.js';

type From = 'client' | 'server';
interface TextVector { name: string; from: From; hex: string; frameHex: string; message: Record<string, unknown> & { t: string } }
type BinaryMeaning =
  | { type: 'snapshot'; kind: 'full' | 'delta'; tick: number; ackSeq: number; bodies: BodyState[]; removed: number[] }
  | { type: 'input'; seq: number; dirs: number }
  | { type: 'input_runs'; firstSeq: number; runs: Array<{ dirs: number; count: number }>; inputs: Array<{ seq: number; dirs: number }> };
interface BinaryVector { name: string; from: From; hex: string; frameHex: string; meaning: BinaryMeaning }
interface Vectors {
  version: number;
  maskKey: string;
  text: TextVector[];
  binary: BinaryVector[];
  refused: Array<{ name: string; kind: 'text' | 'binary'; hex: string; close: number }>;
  movement: Array<{ name: string; rules: WorldRules; before: Body; dirs: number; after: Body }>;
  lookAlikeNames: Array<{ names: string[]; key: string }>;
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'protocol-vectors.json');
const vectors = JSON.parse(readFileSync(file, 'utf8')) as Vectors;
const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const maskKey = Number.parseInt(vectors.maskKey, 16);

/** The WebSocket frame around a vector: masked with the file's key when a client sends it. */
function checkFrame(v: { name: string; from: From; hex: string; frameHex: string }, opcode: number): void {
  assert.equal(hexOf(encodeFrame(opcode, bytes(v.hex), v.from === 'client' ? maskKey : undefined)), v.frameHex, `${v.name}: frame`);
  const { frames, used } = readFrames(bytes(v.frameHex));
  assert.equal(used, v.frameHex.length / 2);
  assert.deepEqual(frames.map((f) => [f.fin, f.opcode, hexOf(f.payload)]), [[true, opcode, v.hex]], `${v.name}: frame reads back`);
}

test('the vectors are for this protocol version', () => {
  assert.equal(vectors.version, PROTOCOL_VERSION);
});

test('text vectors: hex decodes to the message, the message encodes to the hex, both ways', () => {
  for (const v of vectors.text) {
    const text = Buffer.from(v.hex, 'hex').toString('utf8');
    const decoded = v.from === 'client' ? decodeClientMessage(text) : decodeServerMessage(text);
    assert.ok(decoded.ok, `${v.name}: ${decoded.ok ? '' : decoded.detail}`);
    assert.deepEqual(decoded.value, v.message, `${v.name}: decodes to its meaning`);
    assert.equal(Buffer.from(encodeMessage(v.message as never), 'utf8').toString('hex'), v.hex, `${v.name}: encodes to its hex`);
    checkFrame(v, Opcode.Text);
  }
});

test('binary vectors: snapshots and inputs decode to their meaning and encode to their hex', () => {
  for (const v of vectors.binary) {
    const b = bytes(v.hex);
    const m = v.meaning;
    if (m.type === 'snapshot') {
      const decoded = decodeSnapshot(b);
      assert.ok(decoded.ok, v.name);
      const kind = m.kind === 'full' ? SNAPSHOT_FULL : SNAPSHOT_DELTA;
      assert.deepEqual(decoded.value, { kind, tick: m.tick, ackSeq: m.ackSeq, bodies: m.bodies, removed: m.removed }, v.name);
      assert.equal(hexOf(encodeSnapshot({ kind, tick: m.tick, ackSeq: m.ackSeq, bodies: m.bodies, removed: m.removed })), v.hex, v.name);
    } else {
      const decoded = decodeInputFrame(b);
      assert.ok(decoded.ok, v.name);
      if (m.type === 'input') {
        assert.deepEqual(decoded, { ok: true, firstSeq: m.seq, runs: [m.dirs, 1] }, v.name);
        assert.equal(hexOf(encodeInputFrame(m.seq, m.dirs)), v.hex, v.name);
      } else {
        const flat = m.runs.flatMap((r) => [r.dirs, r.count]);
        assert.deepEqual(decoded, { ok: true, firstSeq: m.firstSeq, runs: flat }, v.name);
        assert.equal(hexOf(encodeInputRuns(m.firstSeq, flat)), v.hex, v.name);
        // The expansion a reader must make: consecutive seqs from firstSeq, count ticks per run.
        let seq = m.firstSeq;
        assert.deepEqual(m.inputs, m.runs.flatMap((r) => Array.from({ length: r.count }, () => ({ seq: seq++, dirs: r.dirs }))), v.name);
      }
    }
    checkFrame(v, Opcode.Binary);
  }
});

test('refused vectors: each is refused, with the close code the server sends for it', () => {
  for (const v of vectors.refused) {
    let close: number;
    if (v.kind === 'binary') {
      close = decodeInputFrame(bytes(v.hex)).ok ? 0 : CloseCode.ProtocolViolation;
    } else {
      // As the gateway maps a failed decode: an unknown type is 4003, anything else 4001.
      const decoded = decodeClientMessage(Buffer.from(v.hex, 'hex').toString('utf8'));
      close = decoded.ok ? 0 : decoded.kind === 'unknown_type' ? CloseCode.UnknownMessage : CloseCode.ProtocolViolation;
    }
    assert.equal(close, v.close, v.name);
  }
});

test('movement vectors: one step lands exactly where they say', () => {
  for (const v of vectors.movement) assert.deepEqual(stepBody(v.before, v.dirs, v.rules), v.after, v.name);
});

test('look-alike names share one key, and the groups differ', () => {
  for (const g of vectors.lookAlikeNames) for (const n of g.names) assert.equal(nameKey(n), g.key, n);
  assert.equal(new Set(vectors.lookAlikeNames.map((g) => g.key)).size, vectors.lookAlikeNames.length);
});

test('the vectors cover every message type both ways and every error code', () => {
  const types = (from: From) => new Set(vectors.text.filter((v) => v.from === from).map((v) => v.message.t));
  assert.deepEqual(types('client'), new Set(CLIENT_MESSAGE_TYPES));
  const serverTypes = ServerMessageSchema.def.options.map((o) => o.def.shape.t.def.values[0] as string);
  assert.deepEqual(types('server'), new Set(serverTypes));
  const errors = new Set(vectors.text.filter((v) => v.message.t === 'error').map((v) => v.message['code']));
  assert.deepEqual(errors, new Set(ErrorCodeSchema.options));
  const binary = new Set(vectors.binary.map((v) => (v.meaning.type === 'snapshot' ? `snapshot-${v.meaning.kind}` : v.meaning.type)));
  assert.deepEqual(binary, new Set(['snapshot-full', 'snapshot-delta', 'input', 'input_runs']));
});
