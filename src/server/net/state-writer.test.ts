import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { ParallelStateWriter } from './state-writer.js';

/** n connected loopback pairs: [server side (we write), client side (we read)]. */
async function pairs(n: number): Promise<{ writers: Socket[]; readers: Socket[]; close(): void }> {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const readers: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const c = connect(port, '127.0.0.1');
    await new Promise<void>((r) => c.once('connect', r));
    readers.push(c);
  }
  while (accepted.length < n) await new Promise((r) => setImmediate(r));
  // Accept order may differ from connect order: pair them up by port.
  const byPort = new Map(accepted.map((s) => [s.remotePort, s]));
  const writers = readers.map((c) => byPort.get(c.localPort)!);
  return {
    writers,
    readers,
    close() {
      for (const s of [...writers, ...readers]) s.destroy();
      server.close();
    },
  };
}

function frame(socketIndex: number, tick: number, size: number): Buffer {
  const b = Buffer.alloc(size, (socketIndex * 31 + tick) & 0xff);
  b.writeUInt32BE(socketIndex, 0);
  b.writeUInt32BE(tick, 4);
  return b;
}

test('frames written from two threads arrive whole and in order on every socket', async (t) => {
  const n = 40;
  const ticks = 30;
  const { writers, readers, close } = await pairs(n);
  t.after(close);
  const writer = new ParallelStateWriter({ minBatch: 2 });
  t.after(() => writer.close());
  const received = readers.map(() => [] as Buffer[]);
  readers.forEach((r, i) => r.on('data', (d: Buffer) => received[i]!.push(d)));
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < n; i++) writer.write(writers[i]!, frame(i, tick, 100 + ((i * 7 + tick) % 900)));
    writer.flush();
    // The helper starts at the first big tick and is used once it is online.
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(writer.parallelFlushes > 0, 'the helper thread wrote some ticks');
  const expected = readers.map((_, i) => Buffer.concat(Array.from({ length: ticks }, (_, tick) => frame(i, tick, 100 + ((i * 7 + tick) % 900)))));
  await waitFor(() => received.every((chunks, i) => Buffer.concat(chunks).length >= expected[i]!.length));
  received.forEach((chunks, i) => assert.ok(Buffer.concat(chunks).equals(expected[i]!), `socket ${i} got its bytes in order`));
});

test('a write the kernel only partly takes is finished through the socket, in order', async (t) => {
  const n = 4;
  const { writers, readers, close } = await pairs(n);
  t.after(close);
  const writer = new ParallelStateWriter({ minBatch: 2 });
  t.after(() => writer.close());
  // Bring the helper online first (small frames, kept to check the whole stream at the end).
  const sent = readers.map(() => [] as Buffer[]);
  const warmUp = () => {
    for (let i = 0; i < n; i++) {
      const b = frame(i, 0, 16);
      sent[i]!.push(b);
      writer.write(writers[i]!, b);
    }
    writer.flush();
  };
  warmUp();
  await waitFor(() => {
    warmUp();
    return writer.parallelFlushes > 0;
  });
  const received = readers.map(() => [] as Buffer[]);
  for (const r of readers) r.pause();
  // 4 MB per socket per tick into readers that do not read: the kernel buffers fill up.
  for (let tick = 1; tick <= 3; tick++) {
    for (let i = 0; i < n; i++) {
      const b = frame(i, tick, 4 * 1024 * 1024);
      sent[i]!.push(b);
      writer.write(writers[i]!, b);
    }
    writer.flush();
  }
  assert.ok(writers.some((w) => w.writableLength > 0), 'some bytes had to wait in the socket');
  readers.forEach((r, i) => {
    r.on('data', (d: Buffer) => received[i]!.push(d));
    r.resume();
  });
  await waitFor(() => received.every((chunks, i) => total(chunks) >= total(sent[i]!)), 20_000);
  readers.forEach((_, i) => assert.ok(Buffer.concat(received[i]!).equals(Buffer.concat(sent[i]!)), `socket ${i}: every frame arrived whole and in order`));
});

function total(chunks: Buffer[]): number {
  return chunks.reduce((s, c) => s + c.length, 0);
}

function waitFor(ok: () => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (ok()) return resolve();
      if (Date.now() - started > ms) return reject(new Error('timed out'));
      setTimeout(check, 10);
    };
    check();
  });
}
