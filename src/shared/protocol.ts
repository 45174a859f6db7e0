/**
 * Every message of the Tether protocol, defined once: its schema (validation) and, inferred from
 * it, its TypeScript type. Control messages are JSON text frames; world state travels in binary
 * frames (see snapshot-codec.ts), and so may `input`, as the 6-byte single or the run frames of
 * input-codec.ts. docs/protocol.md describes the same for other languages.
 *
 * Untrusted text is decoded into a result, never a throw, and never into anything with behaviour:
 * JSON.parse yields plain data, and the schemas copy out only the fields they know.
 *
 * The schemas use `zod/mini`, the tree-shakable form of zod 4 (same package and semantics, checks
 * passed as functions instead of methods): the browser bundles this file, and classic zod was
 * about 450 KB of its 520 KB minified. Mini costs under 7 KB brotli and keeps one definition of
 * every message for server, browser and bots.
 */
import * as z from 'zod/mini';
import { CHARACTER_COUNT, CHAT_MAX_CHARS, MAX_INPUTS_PER_MESSAGE } from './limits.js';
import { DIR_MASK } from './movement.js';
import { WORLD_NAME_MAX, isWorldName } from './world-names.js';

export const PROTOCOL_VERSION = 3;
/** The WebSocket subprotocol names the version; a resume token may ride along (see resume-offer). */
export const SUBPROTOCOL = `tether.${PROTOCOL_VERSION}`;
/**
 * Versions a server accepts, newest first. Each only adds to the one before (2: binary inputs,
 * `ping.rtt`, `pong.held`; 3: worlds and `moved`), so older clients are served as before
 * (docs/protocol.md, "Versions").
 */
export const ACCEPTED_VERSIONS: readonly number[] = [3, 2, 1];

/** An integer, optionally bounded (inclusive). */
const int = (min?: number, max?: number) =>
  z.int().check(...(min === undefined ? [] : [z.gte(min)]), ...(max === undefined ? [] : [z.lte(max)]));
const num = () => z.number();
const str = (max?: number) => (max === undefined ? z.string() : z.string().check(z.maxLength(max)));
const opt = z.optional;

const seq = int(1, 0xffffffff);
const token = z.string().check(z.regex(/^[A-Za-z0-9_-]{22,64}$/));
const worldName = z.string().check(z.maxLength(WORLD_NAME_MAX), z.refine(isWorldName, 'invalid world name'));

// ---- client -> server -------------------------------------------------------------------------

export const HelloSchema = z.object({
  t: z.literal('hello'),
  v: int(),
  name: str(256),
  character: int(0, CHARACTER_COUNT - 1),
  /** The secret that owns a profile; absent for a name this browser never played. */
  accountToken: opt(token),
  /** The newest chat sequence number this client holds; missed lines after it are replayed. */
  lastChatSeq: opt(int(0)),
  /** Private servers only. */
  password: opt(str(256)),
  /**
   * The world to join (an invite link, or the world the player was in); absent: a quick join,
   * the server picks a world with room. Since version 3.
   */
  world: opt(worldName),
});

/** One tick of held directions. The server consumes at most one input per player per tick. */
export const InputSchema = z.object({
  t: z.literal('input'),
  seq,
  dirs: int(0, DIR_MASK),
});

/** Several inputs at once (a client catching up after a stall); applied in order, one per tick. */
export const InputBatchSchema = z.object({
  t: z.literal('inputs'),
  first: seq,
  dirs: z.array(int(0, DIR_MASK)).check(z.minLength(1), z.maxLength(MAX_INPUTS_PER_MESSAGE)),
});

export const ChatSendSchema = z.object({
  t: z.literal('chat'),
  /** Client-chosen id; a chat resent after a reconnect with the same id is delivered once. */
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,40}$/)),
  text: str(CHAT_MAX_CHARS * 4),
});

export const PingSchema = z.object({
  t: z.literal('ping'),
  id: int(0, 0xffffffff),
  /** Client clock at send, echoed back so the client can measure the round trip. */
  ct: num(),
  /** The client's current round-trip estimate in ms, for the server's metrics and status page. */
  rtt: opt(num().check(z.gte(0), z.lte(600_000))),
});

export const LeaveSchema = z.object({ t: z.literal('leave') });

export const ClientMessageSchema = z.discriminatedUnion('t', [
  HelloSchema,
  InputSchema,
  InputBatchSchema,
  ChatSendSchema,
  PingSchema,
  LeaveSchema,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type Hello = z.infer<typeof HelloSchema>;
export const CLIENT_MESSAGE_TYPES = ['hello', 'input', 'inputs', 'chat', 'ping', 'leave'] as const;

// ---- server -> client -------------------------------------------------------------------------

export const PlayerInfoSchema = z.object({
  id: int(),
  name: z.string(),
  character: int(),
  x: num(),
  y: num(),
  facing: int(0, 3),
  state: z.enum(['live', 'reconnecting']),
});
export type PlayerInfo = z.infer<typeof PlayerInfoSchema>;

export const RulesSchema = z.object({
  widthUnits: num(),
  heightUnits: num(),
  speedUnitsPerS: num(),
  tickRateHz: num(),
});

export const WelcomeSchema = z.object({
  t: z.literal('welcome'),
  v: int(),
  you: PlayerInfoSchema,
  /** Secret for resuming this session within the grace period; never shown to anyone else. */
  resumeToken: token,
  /** Secret owning a newly created profile; the browser stores it per name. Sent only once. */
  accountToken: opt(token),
  resumed: z.boolean(),
  graceMs: num(),
  rules: RulesSchema,
  /** The players nearest to you (you included); in a crowded world not everyone, see rosterRest. */
  players: z.array(PlayerInfoSchema),
  /** How many more players follow in `roster` messages (absent: none, `players` is everyone). */
  rosterRest: opt(int(0)),
  tick: int(),
  serverTimeMs: num(),
  /** The last input sequence number the server processed for this player (0: none). */
  ackSeq: int(),
  chatSeq: int(),
  /** The world joined (since version 3): a client sends it in its next hello to come back here. */
  world: opt(z.string()),
  /**
   * A cluster's nodes (WebSocket URLs; since version 3, absent from a single server): where a
   * `moved` may send the client, and where it can turn when its node cannot be reached.
   */
  nodes: opt(z.array(z.string().check(z.maxLength(512))).check(z.maxLength(1000))),
});
export type Welcome = z.infer<typeof WelcomeSchema>;

export const ResumeFailedSchema = z.object({
  t: z.literal('resume_failed'),
  /** The only reason: the server cannot tell an expired token from one it never issued. */
  reason: z.enum(['unknown']),
});

/** The rest of the roster after a welcome, in chunks; `rest` players still to come (0: complete). */
export const RosterSchema = z.object({
  t: z.literal('roster'),
  players: z.array(PlayerInfoSchema),
  rest: int(0),
});

export const PlayerJoinedSchema = z.object({ t: z.literal('joined'), player: PlayerInfoSchema });
export const PresenceSchema = z.object({
  t: z.literal('presence'),
  id: int(),
  state: z.enum(['live', 'reconnecting']),
});
export const PlayerLeftSchema = z.object({
  t: z.literal('left'),
  id: int(),
  reason: z.enum(['closed', 'grace_expired', 'shutdown']),
});

export const ChatLineSchema = z.object({
  t: z.literal('chat'),
  /** Room-wide sequence number: strictly increasing, survives restarts, used for replay. */
  seq: int(),
  from: int(),
  name: z.string(),
  text: z.string(),
  atMs: num(),
  /** Only on the sender's copy: the client id it sent, so it can clear its outbox. */
  echo: opt(z.string()),
});
export type ChatLine = z.infer<typeof ChatLineSchema>;

export const ChatRejectedSchema = z.object({
  t: z.literal('chat_rejected'),
  id: z.string(),
  reason: z.enum(['slow_down', 'too_long', 'empty', 'invalid']),
  retryAfterMs: opt(num()),
});

export const ErrorCodeSchema = z.enum([
  'name_invalid',
  'name_taken',
  'bad_password',
  /** The world holds as many players as it may; try again later. */
  'world_full',
  /** This address created too many new profiles lately; use a known name or wait. */
  'too_many_new_names',
  /** Too many joins or resumes in a short time; the message says how long to wait. */
  'slow_down',
  /** The world asked for does not exist and cannot be opened now (too many worlds). */
  'world_unavailable',
  'already_joined',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
export const ErrorSchema = z.object({ t: z.literal('error'), code: ErrorCodeSchema, message: z.string() });

export const PongSchema = z.object({
  t: z.literal('pong'),
  id: int(),
  ct: num(),
  /** Server clock when it answered, for the client's server-time estimate. */
  st: num(),
  tick: int(),
  /**
   * Ms the answer waited on the server to leave with the next state frame (one write instead of
   * two): subtract it from the measured round trip. Absent means 0.
   */
  held: opt(num().check(z.gte(0))),
});

export const RestartingSchema = z.object({
  t: z.literal('restarting'),
  /** Reconnect no sooner than this; clients add jitter so a restart is not a stampede. */
  retryAfterMs: int(0),
});

/**
 * The player's world runs on another node of the cluster (since version 3): reconnect to `url`
 * (a WebSocket URL the cluster lists, see docs/protocol.md "Worlds and moving") with the same
 * resume offer or hello, at once. The server closes the socket with 4019 right after.
 */
export const MovedSchema = z.object({
  t: z.literal('moved'),
  world: z.string(),
  url: z.string().check(z.maxLength(512)),
});

export const ServerMessageSchema = z.discriminatedUnion('t', [
  WelcomeSchema,
  ResumeFailedSchema,
  RosterSchema,
  PlayerJoinedSchema,
  PresenceSchema,
  PlayerLeftSchema,
  ChatLineSchema,
  ChatRejectedSchema,
  ErrorSchema,
  PongSchema,
  RestartingSchema,
  MovedSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

// ---- HTTP -------------------------------------------------------------------------------------

/** GET /worlds: the join screen's list, and the nodes a `moved` may send a client to. */
export const WorldListSchema = z.object({
  worlds: z.array(z.object({ name: z.string(), players: int(0), capacity: int(0) })).check(z.maxLength(10_000)),
  /** WebSocket URLs of the cluster's nodes (empty in single-process mode). */
  nodes: z.array(z.string().check(z.maxLength(512))).check(z.maxLength(1000)),
});
export type WorldList = z.infer<typeof WorldListSchema>;

export function decodeWorldList(text: string): WorldList | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = WorldListSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

// ---- decoding ---------------------------------------------------------------------------------

export type DecodeResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'malformed' | 'unknown_type' | 'invalid'; detail: string };

export function decodeClientMessage(text: string): DecodeResult<ClientMessage> {
  return decodeWith(text, ClientMessageSchema, CLIENT_MESSAGE_TYPES);
}

const SERVER_MESSAGE_TYPES = ServerMessageSchema.def.options.map((o) => o.def.shape.t.def.values[0] as string);

export function decodeServerMessage(text: string): DecodeResult<ServerMessage> {
  return decodeWith(text, ServerMessageSchema, SERVER_MESSAGE_TYPES);
}

function decodeWith<T>(text: string, schema: z.ZodMiniType<T>, knownTypes: readonly string[]): DecodeResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'malformed', detail: 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, kind: 'malformed', detail: 'not a JSON object' };
  }
  const type = (raw as Record<string, unknown>)['t'];
  if (typeof type !== 'string' || !knownTypes.includes(type)) {
    return { ok: false, kind: 'unknown_type', detail: `unknown message type ${JSON.stringify(type)?.slice(0, 40)}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(message)';
    return { ok: false, kind: 'invalid', detail: `${type}: ${where}: ${issue ? describeIssue(issue) : 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Mini ships no message locale (that is most of what it saves), so the reason a peer gets is made
 * here from the issue's code and bounds: short, and enough to find the bad field.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_big':
      return `too big (max ${String(issue.maximum)})`;
    case 'too_small':
      return `too small (min ${String(issue.minimum)})`;
    case 'invalid_format':
      return `invalid ${issue.format}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`.slice(0, 120);
    case 'unrecognized_keys':
      return `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`.slice(0, 120);
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
    case 'custom':
      return issue.code;
  }
}

export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
