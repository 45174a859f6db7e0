/**
 * Puts a tick's state frames on the players' sockets.
 *
 * Why more than socket.write: at 1000 players a tick is 1000 socket writes, and a CPU profile
 * puts three quarters of the tick inside the write system call (on loopback the kernel also
 * delivers the data to the receiving socket there). One thread cannot go faster than that, but
 * writes to different sockets do not contend, so the ParallelStateWriter writes half of a big
 * tick's frames from a helper thread while the main thread writes the other half, and the tick
 * ends when both are done.
 *
 * Safety rests on three rules:
 * - The main thread is blocked until the helper is done, so nothing else writes to or closes
 *   those sockets meanwhile (a closed descriptor cannot be reused under the helper).
 * - A frame goes this way only when the socket has nothing queued in Node (`writableLength`
 *   is 0; ClientLink also checks ws's `bufferedAmount`), so it cannot overtake earlier bytes.
 * - A write the kernel took only in part (a full send buffer) or refused has its rest handed to
 *   socket.write afterwards, before anything else can be written: order is kept, and errors
 *   surface through the socket as usual.
 *
 * Linux only (sockets' descriptors, fs.writeSync on them); elsewhere, and for small ticks, frames
 * go through socket.write.
 *
 * The sockets are ws's private `_socket`s, and the second rule holds only because ClientLink
 * hands a frame here only when ws's sender has nothing queued (its `bufferedAmount` is 0, no
 * extension). Both lean on ws internals, so package.json pins ws to one exact version;
 * client-link.test.ts fails if the fast path ever writes around a message ws holds back.
 */
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The part of a net.Socket the writer uses (`_handle.fd` is the descriptor libuv holds). */
export interface FrameSocket {
  write(bytes: Buffer): boolean;
  /** Bytes Node still holds for this socket: while any wait, new ones must queue behind them. */
  readonly writableLength: number;
  readonly _handle?: { readonly fd?: number } | null;
  /** A TLS socket's descriptor carries ciphertext: frames for it must go through write(). */
  readonly encrypted?: boolean;
}

export interface StateWriter {
  /** Queues (or writes) one socket's frame for this tick. */
  write(socket: FrameSocket, bytes: Buffer): void;
  /** Writes everything queued since the last flush; returns when it is on the sockets. */
  flush(): void;
  close(): Promise<void>;
}

/** Every frame straight through socket.write. */
export const directStateWriter: StateWriter = {
  write(socket, bytes) {
    socket.write(bytes);
  },
  flush() {},
  async close() {},
};

// Control block layout (Int32Array over a SharedArrayBuffer).
const GEN = 0;
const COUNT = 1;
const DONE = 2;
const STOP = 3;
const JOBS = 4;
const JOB_INTS = 4; // fd, offset, length, result (bytes written, or -1)

/** The helper thread: waits for a new generation, writes its jobs, reports, waits again. */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const ctl = new Int32Array(workerData.ctl);
const data = new Uint8Array(workerData.data);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${GEN}, seen, 1000);
  if (Atomics.load(ctl, ${STOP}) === 1) break;
  const gen = Atomics.load(ctl, ${GEN});
  if (gen === seen) continue;
  seen = gen;
  const n = Atomics.load(ctl, ${COUNT});
  for (let i = 0; i < n; i++) {
    const b = ${JOBS} + ${JOB_INTS} * i;
    let written;
    try { written = writeSync(ctl[b], data, ctl[b + 1], ctl[b + 2]); } catch { written = -1; }
    ctl[b + 3] = written;
  }
  Atomics.store(ctl, ${DONE}, gen);
  Atomics.notify(ctl, ${DONE});
}
`;

interface Job {
  readonly socket: FrameSocket;
  readonly fd: number;
  readonly bytes: Buffer;
}

export interface ParallelStateWriterOptions {
  /** Below this many frames in a tick, socket.write is cheaper than waking the helper. */
  readonly minBatch: number;
  readonly maxJobs?: number;
  readonly capacityBytes?: number;
}

export class ParallelStateWriter implements StateWriter {
  private readonly jobs: Job[] = [];
  private readonly maxJobs: number;
  /** Started at the first big tick (a small server never has the thread), usable once online. */
  private helper: { worker: Worker; ctl: Int32Array; data: Uint8Array; online: boolean } | null = null;
  private healthy = true;
  /** Ticks whose frames were split with the helper thread (tests look at it). */
  parallelFlushes = 0;

  constructor(private readonly opts: ParallelStateWriterOptions) {
    this.maxJobs = opts.maxJobs ?? 8192;
  }

  private startHelper(): void {
    const ctlBuffer = new SharedArrayBuffer((JOBS + JOB_INTS * this.maxJobs) * 4);
    const dataBuffer = new SharedArrayBuffer(this.opts.capacityBytes ?? 16 * 1024 * 1024);
    const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { ctl: ctlBuffer, data: dataBuffer } });
    const helper = { worker, ctl: new Int32Array(ctlBuffer), data: new Uint8Array(dataBuffer), online: false };
    worker.once('online', () => (helper.online = true));
    worker.on('error', () => (this.healthy = false));
    worker.on('exit', () => (this.healthy = false));
    worker.unref();
    this.helper = helper;
  }

  write(socket: FrameSocket, bytes: Buffer): void {
    const fd = socket._handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || socket.encrypted || socket.writableLength > 0) socket.write(bytes);
    else this.jobs.push({ socket, fd, bytes });
  }

  flush(): void {
    const jobs = this.jobs;
    const n = jobs.length;
    if (n === 0) return;
    if (n >= this.opts.minBatch && this.healthy && !this.helper) this.startHelper();
    const helper = this.helper;
    if (n < this.opts.minBatch || !this.healthy || !helper?.online) {
      for (const j of jobs) j.socket.write(j.bytes);
      jobs.length = 0;
      return;
    }
    // The second half goes to the helper, copied into shared memory; what does not fit stays here.
    const half = n >> 1;
    const { ctl, data } = helper;
    let offset = 0;
    let given = 0;
    for (let i = half; i < n && given < this.maxJobs; i++) {
      const j = jobs[i]!;
      if (offset + j.bytes.length > data.length) break;
      data.set(j.bytes, offset);
      const b = JOBS + JOB_INTS * given;
      ctl[b] = j.fd;
      ctl[b + 1] = offset;
      ctl[b + 2] = j.bytes.length;
      ctl[b + 3] = -1;
      offset += j.bytes.length;
      given++;
    }
    Atomics.store(ctl, COUNT, given);
    const gen = (Atomics.add(ctl, GEN, 1) + 1) | 0;
    Atomics.notify(ctl, GEN);
    this.parallelFlushes++;
    for (let i = 0; i < half; i++) writeHere(jobs[i]!);
    for (let i = half + given; i < n; i++) writeHere(jobs[i]!);
    const started = performance.now();
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done === gen) break;
      if (performance.now() - started > 2000) {
        // A helper that does not answer in 2 s is gone: stop using it. Its jobs' results stay
        // -1, so their frames are written below through the sockets.
        this.healthy = false;
        break;
      }
      Atomics.wait(ctl, DONE, done, 100);
    }
    for (let x = 0; x < given; x++) finish(jobs[half + x]!, ctl[JOBS + JOB_INTS * x + 3]!);
    jobs.length = 0;
  }

  async close(): Promise<void> {
    const helper = this.helper;
    if (!helper) return;
    this.helper = null;
    Atomics.store(helper.ctl, STOP, 1);
    Atomics.add(helper.ctl, GEN, 1);
    Atomics.notify(helper.ctl, GEN);
    await helper.worker.terminate();
  }
}

function writeHere(job: Job): void {
  let written: number;
  try {
    written = writeSync(job.fd, job.bytes);
  } catch {
    written = -1;
  }
  finish(job, written);
}

/** Whatever the kernel did not take goes through the socket, which keeps order and reports errors. */
function finish(job: Job, written: number): void {
  if (written === job.bytes.length) return;
  job.socket.write(written > 0 ? job.bytes.subarray(written) : job.bytes);
}
