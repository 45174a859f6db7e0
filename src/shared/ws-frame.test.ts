import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as wsModule from 'ws';
import type { EventEmitter } from 'node:events';
import { encodeFrame, frameHeaderLength, Opcode, readFrames, writeFrameHeader } from './ws-frame.js';

/** ws's own framing classes, the reference our bytes are checked against (@types/ws omits them). */
interface WsFraming {
  Sender: { frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[] };
  Receiver: new (options: { isServer: boolean }) => EventEmitter & { write(chunk: Buffer): void };
}
const { Sender, Receiver } = wsModule as unknown as WsFraming;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const text = (s: string) => new TextEncoder().encode(s);

// RFC 6455 section 5.7's examples.
test('RFC 6455 5.7 samples: unmasked and masked "Hello", a ping, 256 and 65536 byte binaries', () => {
  assert.equal(hex(encodeFrame(Opcode.Text, text('Hello'))), '810548656c6c6f');
  assert.equal(hex(encodeFrame(Opcode.Text, text('Hello'), 0x37fa213d)), '818537fa213d7f9f4d5158');
  assert.equal(hex(encodeFrame(Opcode.Ping, text('Hello'))), '890548656c6c6f');
  const b256 = encodeFrame(Opcode.Binary, new Uint8Array(256));
  assert.equal(hex(b256.subarray(0, 4)), '827e0100');
  assert.equal(b256.length, 4 + 256);
  const b64k = encodeFrame(Opcode.Binary, new Uint8Array(65536));
  assert.equal(hex(b64k.subarray(0, 10)), '827f0000000000010000');
  assert.equal(b64k.length, 10 + 65536);
});

test('header lengths at the boundaries: 125/126, 65535/65536, masked adds 4', () => {
  assert.deepEqual([0, 125, 126, 65535, 65536, 2 ** 32 + 5].map((n) => frameHeaderLength(n, false)), [2, 2, 4, 4, 10, 10]);
  assert.deepEqual([125, 126, 65536].map((n) => frameHeaderLength(n, true)), [6, 8, 14]);
  // A length past 2^32 goes into both words of the 64-bit field.
  const out = new Uint8Array(10);
  assert.equal(writeFrameHeader(out, 0, Opcode.Binary, 2 ** 32 + 5), 10);
  assert.equal(hex(out), '827f0000000100000005');
});

test('reading: the RFC samples decode, masked ones unmasked', () => {
  const { frames, used } = readFrames(bytes('818537fa213d7f9f4d5158'));
  assert.equal(used, 11);
  assert.equal(frames.length, 1);
  assert.deepEqual({ ...frames[0]!, payload: Buffer.from(frames[0]!.payload).toString() }, { fin: true, opcode: Opcode.Text, payload: 'Hello', wireBytes: 11 });
  // A fragment ("Hel" then "lo", RFC 5.7): FIN clear on the first, continuation opcode on the second.
  const parts = readFrames(bytes('010348656c 80026c6f')).frames;
  assert.deepEqual(parts.map((f) => [f.fin, f.opcode, Buffer.from(f.payload).toString()]), [[false, Opcode.Text, 'Hel'], [true, Opcode.Continuation, 'lo']]);
});

test('a combined write: several frames in one buffer, split anywhere, read back whole and in order', () => {
  const messages: Array<[number, Uint8Array]> = [
    [Opcode.Text, text('{"t":"chat","seq":1}')],
    [Opcode.Text, text('x'.repeat(300))],
    [Opcode.Binary, Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff)],
    [Opcode.Binary, bytes('0100000000070000002a0000 0000')],
  ];
  const stream = Buffer.concat(messages.map(([op, p]) => encodeFrame(op, p)));
  // The same bytes as ws's own sender frames them (the library our clients decode with).
  const wsFramed = Buffer.concat(messages.flatMap(([op, p]) => Sender.frame(Buffer.from(p), { fin: true, opcode: op, mask: false, readOnly: true, rsv1: false })));
  assert.ok(stream.equals(wsFramed), 'byte-identical to ws.Sender.frame');
  for (const cut of [0, 1, 2, 3, 23, 24, 25, 330, 331, stream.length - 1, stream.length]) {
    const first = readFrames(stream.subarray(0, cut));
    const rest = readFrames(stream.subarray(first.used));
    const got = [...first.frames, ...rest.frames];
    assert.equal(first.used + rest.used, stream.length, `cut at ${cut}: every byte used once`);
    assert.deepEqual(got.map((f) => [f.opcode, hex(f.payload)]), messages.map(([op, p]) => [op, hex(p)]), `cut at ${cut}`);
  }
});

test('masked client frames are what ws.Receiver (the server side) accepts', async () => {
  const receiver = new Receiver({ isServer: true });
  const got: Array<[string, boolean]> = [];
  receiver.on('message', (data: Buffer, isBinary: boolean) => got.push([data.toString('hex'), isBinary]));
  const input = bytes('10000000070a');
  const chat = text('{"t":"chat","id":"a","text":"hi"}');
  const done = new Promise<void>((resolve) => receiver.on('message', () => got.length === 2 && resolve()));
  receiver.write(Buffer.concat([encodeFrame(Opcode.Binary, input, 0x01020304), encodeFrame(Opcode.Text, chat, 0xdeadbeef)]));
  await done;
  assert.deepEqual(got, [[hex(input), true], [hex(chat), false]]);
});

test('a frame over the reader\'s limit is refused before its bytes arrive', () => {
  assert.throws(() => readFrames(bytes('827f0000000100000000'), 1 << 20), /over the limit/);
});
