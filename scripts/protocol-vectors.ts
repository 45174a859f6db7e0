/**
 * Writes docs/protocol-vectors.json: example messages of every type, both ways, as bytes (hex)
 * with what they mean, for someone implementing the protocol in another language to test their
 * encoder and decoder against (docs/protocol.md, "Test vectors"). Our own tests check the file
 * against our codecs in both directions (tests/protocol-vectors.test.ts), so it cannot drift.
 *
 *   npm run protocol:vectors      (after a deliberate protocol change; review the diff)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { encodeMessage, PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../src/shared/protocol.js';
import { encodeSnapshot, SNAPSHOT_DELTA, SNAPSHOT_FULL, type BodyState } from '../src/shared/snapshot-codec.js';
import { encodeInputFrame, encodeInputRuns } from '../src/shared/input-codec.js';
import { stepBody, type Body } from '../src/shared/movement.js';
import { DEFAULT_RULES, type WorldRules } from '../src/shared/world-rules.js';
import { encodeFrame, Opcode } from '../src/shared/ws-frame.js';
import { nameKey } from '../src/server/game/name-key.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** Client frames are masked (RFC 6455); the vectors use this key so their frame bytes are fixed. */
const MASK_KEY = 0x37fa213d;

const RESUME = 'r3sumeT0ken-abcdefghijklmnopq';
const ACCOUNT = 'acc0untT0ken_ABCDEFGHIJKLMNOPQRS';

const clientText: Array<[string, ClientMessage]> = [
  ['hello, first visit', { t: 'hello', v: PROTOCOL_VERSION, name: '葬爱·3F9A', character: 2 }],
  ['hello, returning player with everything', { t: 'hello', v: PROTOCOL_VERSION, name: 'Ann', character: 0, accountToken: ACCOUNT, lastChatSeq: 41, password: 'hunter2' }],
  ['hello into a named world (an invite link, or the world the player was in)', { t: 'hello', v: PROTOCOL_VERSION, name: 'Ann', character: 0, accountToken: ACCOUNT, world: 'lobby-2' }],
  ['input as JSON (right)', { t: 'input', seq: 7, dirs: 8 }],
  ['inputs as JSON (up-left, up-left, stand)', { t: 'inputs', first: 8, dirs: [5, 5, 0] }],
  ['chat', { t: 'chat', id: 'c-17', text: 'hello 世界 👋' }],
  ['ping with the client\'s rtt estimate', { t: 'ping', id: 3, ct: 12345.5, rtt: 48.2 }],
  ['ping, first one', { t: 'ping', id: 1, ct: 1000 }],
  ['leave', { t: 'leave' }],
];

const you = { id: 7, name: 'Ann', character: 0, x: 512, y: 480.125, facing: 0, state: 'live' } as const;
const other = { id: 9, name: '葬爱·3F9A', character: 2, x: 100.5, y: 900, facing: 2, state: 'reconnecting' } as const;

const serverText: Array<[string, ServerMessage]> = [
  ['welcome, new profile (players includes yourself)', { t: 'welcome', v: PROTOCOL_VERSION, you, resumeToken: RESUME, accountToken: ACCOUNT, resumed: false, graceMs: 30000, rules: DEFAULT_RULES, players: [you, other], tick: 1234, serverTimeMs: 98765.4, ackSeq: 0, chatSeq: 41, world: 'lobby' }],
  ['welcome, resumed', { t: 'welcome', v: PROTOCOL_VERSION, you, resumeToken: RESUME, resumed: true, graceMs: 30000, rules: DEFAULT_RULES, players: [you], tick: 1300, serverTimeMs: 102000, ackSeq: 57, chatSeq: 44, world: 'lobby' }],
  ['welcome in a crowded world: the nearest players, 136 more to follow in roster messages', { t: 'welcome', v: PROTOCOL_VERSION, you, resumeToken: RESUME, resumed: false, graceMs: 30000, rules: DEFAULT_RULES, players: [you, other], rosterRest: 136, tick: 1234, serverTimeMs: 98765.4, ackSeq: 0, chatSeq: 41, world: 'lobby-2' }],
  ['welcome from a cluster node: the nodes a moved may send you to', { t: 'welcome', v: PROTOCOL_VERSION, you, resumeToken: RESUME, resumed: true, graceMs: 30000, rules: DEFAULT_RULES, players: [you], tick: 88, serverTimeMs: 4400, ackSeq: 12, chatSeq: 3, world: 'forest', nodes: ['ws://node-a.example:5000/ws', 'ws://node-b.example:5000/ws'] }],
  ['moved: the world runs on another node (the socket then closes with 4019)', { t: 'moved', world: 'forest', url: 'ws://node-b.example:5000/ws' }],
  ['roster, a chunk with more to come', { t: 'roster', players: [other], rest: 135 }],
  ['roster, the last chunk', { t: 'roster', players: [], rest: 0 }],
  ['resume_failed', { t: 'resume_failed', reason: 'unknown' }],
  ['joined', { t: 'joined', player: other }],
  ['presence, dropped', { t: 'presence', id: 9, state: 'reconnecting' }],
  ['presence, back', { t: 'presence', id: 9, state: 'live' }],
  ['left, closed', { t: 'left', id: 9, reason: 'closed' }],
  ['left, grace expired', { t: 'left', id: 9, reason: 'grace_expired' }],
  ['left, shutdown', { t: 'left', id: 9, reason: 'shutdown' }],
  ['chat line from someone else', { t: 'chat', seq: 42, from: 9, name: '葬爱·3F9A', text: '你好', atMs: 1764600000000 }],
  ['chat line, your own copy (echo: the id you sent)', { t: 'chat', seq: 43, from: 7, name: 'Ann', text: 'hello 世界 👋', atMs: 1764600000500, echo: 'c-17' }],
  ['chat_rejected, rate limit', { t: 'chat_rejected', id: 'c-18', reason: 'slow_down', retryAfterMs: 800 }],
  ['chat_rejected, too long', { t: 'chat_rejected', id: 'c-19', reason: 'too_long' }],
  ['chat_rejected, empty', { t: 'chat_rejected', id: 'c-20', reason: 'empty' }],
  ['chat_rejected, invalid (text the server will not post as it is)', { t: 'chat_rejected', id: 'c-21', reason: 'invalid' }],
  ['error, name_invalid', { t: 'error', code: 'name_invalid', message: 'Please enter a name.' }],
  ['error, name_taken', { t: 'error', code: 'name_taken', message: 'The name “Ann” belongs to another player. Please choose another.' }],
  ['error, bad_password', { t: 'error', code: 'bad_password', message: 'This server is private: the password is wrong.' }],
  ['error, already_joined', { t: 'error', code: 'already_joined', message: 'This connection has already joined.' }],
  ['error, world_full', { t: 'error', code: 'world_full', message: 'This world is full (5000 players). Please try again in a few minutes.' }],
  ['error, too_many_new_names', { t: 'error', code: 'too_many_new_names', message: 'Too many new names from your network; please use a name you have played before, or try again in 12 minutes.' }],
  ['error, world_unavailable', { t: 'error', code: 'world_unavailable', message: 'There are 16 worlds already; pick one of them or try later.' }],
  ['error, slow_down (too many joins or resumes; the socket closes with 4007)', { t: 'error', code: 'slow_down', message: 'Too many reconnects; please wait 3 s and try again.' }],
  ['pong (tether.2, joined: waited 31 ms for the state frame)', { t: 'pong', id: 3, ct: 12345.5, st: 5678.25, tick: 1240, held: 31 }],
  ['pong (tether.1 client: no held)', { t: 'pong', id: 1, ct: 1000, st: 5000, tick: 1200 }],
  ['restarting', { t: 'restarting', retryAfterMs: 2000 }],
];

const bodyA: BodyState = { id: 7, x: 512, y: 480.125, facing: 2, moving: true, reconnecting: false, dirs: 8 };
const bodyB: BodyState = { id: 9, x: 100.5, y: 900, facing: 0, moving: false, reconnecting: true, dirs: 0 };
const bodyC: BodyState = { id: 70000, x: 8, y: 992, facing: 3, moving: true, reconnecting: false, dirs: 5 };
const snapshots: Array<[string, Parameters<typeof encodeSnapshot>[0]]> = [
  ['snapshot, full', { kind: SNAPSHOT_FULL, tick: 1234, ackSeq: 0, bodies: [bodyA, bodyB], removed: [] }],
  ['snapshot, delta with a body that left', { kind: SNAPSHOT_DELTA, tick: 1235, ackSeq: 57, bodies: [bodyC], removed: [9] }],
  ['snapshot, delta where nothing changed', { kind: SNAPSHOT_DELTA, tick: 1236, ackSeq: 58, bodies: [], removed: [] }],
];

const inputs: Array<[string, number, Array<[number, number]>]> = [
  ['input 0x10: seq 7, right', 7, [[8, 1]]],
  ['input 0x10: seq 8, stand', 8, [[0, 1]]],
  ['input runs 0x11: 4 ticks up-right from seq 100', 100, [[9, 4]]],
  ['input runs 0x11: a turn: 3 ticks right, 1 down-right, 2 down', 200, [[8, 3], [10, 1], [2, 2]]],
];

/** Frames a conforming server must refuse, with the close code it sends. */
const refused: Array<[string, 'text' | 'binary', Uint8Array, number]> = [
  ['not JSON', 'text', Buffer.from('{{{'), 4001],
  ['JSON but not an object', 'text', Buffer.from('[1,2]'), 4001],
  ['unknown type', 'text', Buffer.from('{"t":"teleport","x":1,"y":1}'), 4003],
  ['hello without character', 'text', Buffer.from('{"t":"hello","v":2,"name":"Ann"}'), 4001],
  ['hello without v', 'text', Buffer.from('{"t":"hello","name":"Ann","character":0}'), 4001],
  ['hello with a world name that is not one (upper case)', 'text', Buffer.from('{"t":"hello","v":3,"name":"Ann","character":0,"world":"Lobby"}'), 4001],
  ['input with dirs 16', 'text', Buffer.from('{"t":"input","seq":1,"dirs":16}'), 4001],
  ['input with seq 0', 'text', Buffer.from('{"t":"input","seq":0,"dirs":1}'), 4001],
  ['binary input 0x10 one byte short', 'binary', Uint8Array.from([0x10, 0, 0, 0, 1]), 4001],
  ['binary input 0x10 with seq 0', 'binary', Uint8Array.from([0x10, 0, 0, 0, 0, 8]), 4001],
  ['binary input runs with a run of 0 ticks', 'binary', Uint8Array.from([0x11, 0, 0, 0, 1, 8, 0]), 4001],
  ['binary input runs of 33 ticks', 'binary', Uint8Array.from([0x11, 0, 0, 0, 1, 8, 32, 8, 1]), 4001],
  ['binary frame of another type (a snapshot sent by a client)', 'binary', encodeSnapshot(snapshots[2]![1]), 4001],
];

const small: WorldRules = { widthUnits: 100, heightUnits: 100, speedUnitsPerS: 100, tickRateHz: 30 };
const at = (x: number, y: number, facing: Body['facing'] = 0, moving = false): Body => ({ x, y, facing, moving });
const steps: Array<[string, Body, number, WorldRules]> = [
  ['right', at(500, 500), 8, DEFAULT_RULES],
  ['up is toward y = 0', at(500, 500), 1, DEFAULT_RULES],
  ['diagonal up-right: × √½, then quantised toward the previous position', at(500, 500), 9, DEFAULT_RULES],
  ['diagonal down-left', at(500.125, 499.875, 1, true), 6, DEFAULT_RULES],
  ['up + down cancel: stops, keeps facing', at(500, 500, 2, true), 3, DEFAULT_RULES],
  ['left + right + down: down only, full speed', at(500, 500, 2, true), 14, DEFAULT_RULES],
  ['all four: stands', at(500, 500, 1, true), 15, DEFAULT_RULES],
  ['no keys: stops, keeps facing', at(321.5, 654.25, 3, true), 0, DEFAULT_RULES],
  ['clamped at the right edge (width − 8)', at(990, 500, 2, true), 8, DEFAULT_RULES],
  ['clamped at the top edge (8)', at(500, 10, 3, true), 1, DEFAULT_RULES],
  ['other rules: step 100/30 = 3.333…, rounded down to 3.25', at(50, 50), 8, small],
  ['other rules, diagonal', at(50, 50), 6, small],
  // Solid ground (terrain from the default 1000 × 1000 map, docs/protocol.md "Solid ground").
  ['an obstacle ahead: stops flush against it after 5 of 6 units', at(34, 20), 8, DEFAULT_RULES],
  ['pressing against the obstacle: turns, does not move (moving false)', at(39, 20), 8, DEFAULT_RULES],
  ['diagonal into the obstacle: x blocked, slides along it on y', at(39, 20), 9, DEFAULT_RULES],
];

const lookAlikes: string[][] = [
  ['Alice', 'ALICE', 'alice', 'Alíce', 'Аlice', 'A1ice', 'Ａｌｉｃｅ'],
  ['Bob', 'B0b', 'B\u043eb', 'BOB'],
  ['José', 'Jose\u0301', 'JOSE', 'jοse'],
  ['ADMIN', 'admin', '\u0410D\u041C\u0406N', 'ADM1N'],
  ['rn', 'm'],
];

const vectors = {
  '//': 'Test vectors for the Tether protocol (docs/protocol.md). Written by scripts/protocol-vectors.ts, checked by tests/protocol-vectors.test.ts. hex = the WebSocket message payload; frameHex = the whole WebSocket frame (client frames masked with maskKey).',
  version: PROTOCOL_VERSION,
  maskKey: MASK_KEY.toString(16).padStart(8, '0'),
  text: [
    ...clientText.map(([name, message]) => textVector(name, 'client', message)),
    ...serverText.map(([name, message]) => textVector(name, 'server', message)),
  ],
  binary: [
    ...snapshots.map(([name, s]) => {
      const bytes = encodeSnapshot(s);
      return {
        name,
        from: 'server',
        hex: hex(bytes),
        frameHex: hex(encodeFrame(Opcode.Binary, bytes)),
        meaning: { type: 'snapshot', kind: s.kind === SNAPSHOT_FULL ? 'full' : 'delta', tick: s.tick, ackSeq: s.ackSeq, bodies: s.bodies, removed: s.removed },
      };
    }),
    ...inputs.map(([name, firstSeq, runs]) => {
      const single = runs.length === 1 && runs[0]![1] === 1;
      const bytes = single ? encodeInputFrame(firstSeq, runs[0]![0]) : encodeInputRuns(firstSeq, runs.flat());
      const expanded: Array<{ seq: number; dirs: number }> = [];
      let seq = firstSeq;
      for (const [dirs, count] of runs) for (let i = 0; i < count; i++) expanded.push({ seq: seq++, dirs });
      return {
        name,
        from: 'client',
        hex: hex(bytes),
        frameHex: hex(encodeFrame(Opcode.Binary, bytes, MASK_KEY)),
        meaning: single
          ? { type: 'input', seq: firstSeq, dirs: runs[0]![0] }
          : { type: 'input_runs', firstSeq, runs: runs.map(([dirs, count]) => ({ dirs, count })), inputs: expanded },
      };
    }),
  ],
  refused: refused.map(([name, kind, bytes, close]) => ({ name, from: 'client', kind, hex: hex(bytes), close })),
  movement: steps.map(([name, before, dirs, rules]) => ({ name, rules, before, dirs, after: stepBody(before, dirs, rules) })),
  lookAlikeNames: lookAlikes.map((group) => ({ names: group, key: nameKey(group[0]!) })),
};

function textVector(name: string, from: 'client' | 'server', message: ClientMessage | ServerMessage) {
  const bytes = Buffer.from(encodeMessage(message), 'utf8');
  return {
    name,
    from,
    hex: hex(bytes),
    frameHex: hex(encodeFrame(Opcode.Text, bytes, from === 'client' ? MASK_KEY : undefined)),
    message,
  };
}

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'protocol-vectors.json');
writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n');
console.log(`wrote ${out}: ${vectors.text.length} text, ${vectors.binary.length} binary, ${vectors.refused.length} refused, ${vectors.movement.length} movement, ${vectors.lookAlikeNames.length} look-alike groups`);
