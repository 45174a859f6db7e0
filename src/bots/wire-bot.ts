/**
 * A lean player for load tests: the same traffic as a Bot in the room-N scenario (join, held
 * directions changing now and then, inputs batched like the client library does, a ping every
 * second, a chat line every few seconds) over a raw TCP socket with a minimal WebSocket client
 * (RFC 6455), without decoding world state or keeping a world.
 *
 * Why it exists: a full client (bot.ts) decodes every state frame and every chat line, and at
 * 1000 players in one world that is several CPU cores of work on the bots' side, more than a
 * 2-core machine has next to the server. The server cannot tell the two apart on the wire, so
 * with these the server can be measured at sizes where full bots cannot keep up. They check no
 * game invariants (that is what full bots are for) and do not reconnect: a drop is a failure.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { encodeMessage, PROTOCOL_VERSION, SUBPROTOCOL } from '../shared/protocol.js';
import type { Rng } from '../shared/rng.js';
import { systemClock } from '../shared/system-clock.js';
import { encodeFrame, Opcode, readFrames } from '../shared/ws-frame.js';
import { InputBatcher } from '../client/core/input-batcher.js';
import { EIGHT_DIRS, type BotChatReport, type BotOptions, type SwarmCounters } from './bot.js';
import { botName } from './names.js';

const PONG_PREFIX = Buffer.from('{"t":"pong"');
const CHAT_PREFIX = Buffer.from('{"t":"chat"');
const WELCOME_PREFIX = Buffer.from('{"t":"welcome"');
/** World state as JSON text: only the naive reference server of bench:load sends it. */
const STATE_PREFIX = Buffer.from('{"t":"state"');

export class WireBot {
  readonly name: string;
  id: number | null = null;
  joinSeq: number | null = null;
  failed: string | null = null;
  live = false;
  moving = true;
  chatting = true;
  private socket: Socket | null = null;
  private upgraded = false;
  private rx: Buffer = Buffer.alloc(0);
  private dirs: number;
  private nextStepMs: number;
  private nextChatMs: number;
  private nextPingMs = 0;
  private tickMs = 50;
  private nextTickMs = 0;
  private seq = 0;
  private chatK = 0;
  private pingId = 0;
  private lastSnapshotMs: number | null = null;
  private readonly inputs = new InputBatcher();

  constructor(
    private readonly opts: BotOptions,
    private readonly counters: SwarmCounters,
  ) {
    this.name = botName(opts.rng.fork('name'), opts.index);
    this.dirs = EIGHT_DIRS[opts.rng.int(0, 7)]!;
    const now = systemClock.now();
    this.nextStepMs = now;
    this.nextChatMs = now + opts.rng.range(0.2, 1) * opts.chatEveryMs;
  }

  start(): void {
    const url = new URL(this.opts.url);
    const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.socket = socket;
    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(`socket error: ${err.message}`));
    socket.on('close', () => this.fail('connection closed'));
  }

  drive(nowMs: number): void {
    if (!this.live) return;
    while (nowMs >= this.nextStepMs) {
      this.nextStepMs += 50;
      if (this.opts.rng.chance(this.opts.changeP)) this.dirs = EIGHT_DIRS[this.opts.rng.int(0, 7)]!;
    }
    // One input per elapsed tick while moving, as TetherClient.advance does; none while standing.
    if (this.nextTickMs === 0 || nowMs - this.nextTickMs > this.tickMs * 3) this.nextTickMs = nowMs;
    while (nowMs >= this.nextTickMs) {
      this.nextTickMs += this.tickMs;
      if (!this.moving) continue;
      const frame = this.inputs.push(++this.seq, this.dirs);
      if (frame) this.send(Opcode.Binary, frame);
    }
    if (nowMs >= this.nextPingMs) {
      this.nextPingMs = nowMs + 1000;
      this.send(Opcode.Text, Buffer.from(encodeMessage({ t: 'ping', id: ++this.pingId, ct: nowMs })));
    }
    if (this.chatting && nowMs >= this.nextChatMs) {
      this.nextChatMs = Math.max(this.nextChatMs + this.opts.chatEveryMs, nowMs);
      this.send(Opcode.Text, Buffer.from(encodeMessage({ t: 'chat', id: `w${this.opts.index}-${++this.chatK}`, text: `load line ${this.chatK} #w${this.opts.runTag}.${this.opts.index}` })));
      this.counters.chatSent++;
    }
  }

  leave(): void {
    if (this.live) this.send(Opcode.Text, Buffer.from(encodeMessage({ t: 'leave' })));
    this.live = false;
    this.socket?.end();
  }

  get outboxSize(): number {
    return 0;
  }

  /** Wire bots do not track chat: their reports are left out of the delivery check. */
  chatReport(): BotChatReport {
    return { name: this.name, joinSeq: null, lastSeq: 0, live: this.live, received: [], excused: [], sent: [], unconfirmed: 0 };
  }

  private fail(reason: string): void {
    if (this.live || this.id === null) this.failed ??= reason;
    this.live = false;
  }

  private onData(chunk: Buffer): void {
    this.rx = this.rx.length === 0 ? chunk : Buffer.concat([this.rx, chunk]);
    if (!this.upgraded) {
      const end = this.rx.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.rx.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) return this.fail(`upgrade refused: ${head.split('\r\n')[0]}`);
      this.upgraded = true;
      this.rx = this.rx.subarray(end + 4);
      this.send(Opcode.Text, Buffer.from(encodeMessage({ t: 'hello', v: PROTOCOL_VERSION, name: this.name, character: this.opts.index % 6 })));
    }
    const { frames, used } = readFrames(this.rx);
    for (const f of frames) this.onFrame(f.opcode, Buffer.from(f.payload.buffer, f.payload.byteOffset, f.payload.length), f.wireBytes);
    this.rx = used === this.rx.length ? Buffer.alloc(0) : this.rx.subarray(used);
  }

  private onFrame(opcode: number, payload: Buffer, wireBytes: number): void {
    const k = this.counters;
    k.bytesIn += wireBytes;
    k.framesIn++;
    const now = systemClock.now();
    if (opcode === Opcode.Binary || (opcode === Opcode.Text && startsWith(payload, STATE_PREFIX))) {
      k.snapshots++;
      if (this.lastSnapshotMs !== null) k.intervals.add(now - this.lastSnapshotMs);
      this.lastSnapshotMs = now;
    } else if (opcode === Opcode.Text) {
      if (startsWith(payload, CHAT_PREFIX)) k.chatReceived++;
      else if (startsWith(payload, PONG_PREFIX)) {
        const text = payload.toString('utf8');
        const ct = /"ct":([0-9.e+-]+)/.exec(text);
        const held = /"held":([0-9.e+-]+)/.exec(text);
        if (ct) k.rtt.add(now - Number(ct[1]) - (held ? Number(held[1]) : 0));
      } else if (this.id === null && startsWith(payload, WELCOME_PREFIX)) {
        const w = JSON.parse(payload.toString('utf8')) as { you: { id: number }; chatSeq: number; rules: { tickRateHz: number } };
        this.id = w.you.id;
        this.joinSeq = w.chatSeq;
        this.tickMs = 1000 / w.rules.tickRateHz;
        this.live = true;
      }
    } else if (opcode === Opcode.Ping) {
      this.send(Opcode.Pong, payload);
    } else if (opcode === Opcode.Close) {
      this.fail(`closed by the server: ${payload.length >= 2 ? payload.readUInt16BE(0) : ''} ${payload.subarray(2).toString('utf8')}`);
      this.socket?.end();
    }
  }

  /** A masked client frame (RFC 6455 5.3). */
  private send(opcode: number, payload: Uint8Array): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    const out = encodeFrame(opcode, payload, (this.opts.rng.next() * 0x100000000) >>> 0);
    socket.write(out);
    this.counters.bytesOut += out.length;
  }
}

function startsWith(payload: Buffer, prefix: Buffer): boolean {
  return payload.length >= prefix.length && payload.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}
