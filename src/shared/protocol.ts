/**
 * Every message of the Tether protocol, defined once: its schema (validation) and, inferred from
 * it, its TypeScript type. Control messages are JSON text frames; world state travels in binary
 * frames (see snapshot-codec.ts), and so may `input`, as the 6-byte single or the run frames of
 * input-codec.ts. docs/protocol.md describes the same for other languages.
 *
 * Untrusted text is decoded into a result, never a throw, and never into anything with behaviour:
 * JSON.parse yields plain data, and the schemas copy out only the fields they know.
 */
import { z } from 'zod';
import { CHARACTER_COUNT, CHAT_MAX_CHARS, MAX_INPUTS_PER_MESSAGE } from './limits.js';
import { DIR_MASK } from './movement.js';

export const PROTOCOL_VERSION = 1;
/** The WebSocket subprotocol names the version; a resume token may ride along (see resume-offer). */
export const SUBPROTOCOL = `tether.${PROTOCOL_VERSION}`;

const seq = z.number().int().min(1).max(0xffffffff);
const token = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/);

// ---- client -> server -------------------------------------------------------------------------

export const HelloSchema = z.object({
  t: z.literal('hello'),
  v: z.number().int(),
  name: z.string().max(256),
  character: z.number().int().min(0).max(CHARACTER_COUNT - 1),
  /** The secret that owns a profile; absent for a name this browser never played. */
  accountToken: token.optional(),
  /** The newest chat sequence number this client holds; missed lines after it are replayed. */
  lastChatSeq: z.number().int().min(0).optional(),
  /** Private servers only. */
  password: z.string().max(256).optional(),
});

/** One tick of held directions. The server consumes at most one input per player per tick. */
export const InputSchema = z.object({
  t: z.literal('input'),
  seq,
  dirs: z.number().int().min(0).max(DIR_MASK),
});

/** Several inputs at once (a client catching up after a stall); applied in order, one per tick. */
export const InputBatchSchema = z.object({
  t: z.literal('inputs'),
  first: seq,
  dirs: z.array(z.number().int().min(0).max(DIR_MASK)).min(1).max(MAX_INPUTS_PER_MESSAGE),
});

export const ChatSendSchema = z.object({
  t: z.literal('chat'),
  /** Client-chosen id; a chat resent after a reconnect with the same id is delivered once. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  text: z.string().max(CHAT_MAX_CHARS * 4),
});

export const PingSchema = z.object({
  t: z.literal('ping'),
  id: z.number().int().min(0).max(0xffffffff),
  /** Client clock at send, echoed back so the client can measure the round trip. */
  ct: z.number().finite(),
  /** The client's current round-trip estimate in ms, for the server's metrics and status page. */
  rtt: z.number().finite().min(0).max(600_000).optional(),
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
  id: z.number().int(),
  name: z.string(),
  character: z.number().int(),
  x: z.number(),
  y: z.number(),
  facing: z.number().int().min(0).max(3),
  state: z.enum(['live', 'reconnecting']),
});
export type PlayerInfo = z.infer<typeof PlayerInfoSchema>;

export const RulesSchema = z.object({
  widthUnits: z.number(),
  heightUnits: z.number(),
  speedUnitsPerS: z.number(),
  tickRateHz: z.number(),
});

export const WelcomeSchema = z.object({
  t: z.literal('welcome'),
  v: z.number().int(),
  you: PlayerInfoSchema,
  /** Secret for resuming this session within the grace period; never shown to anyone else. */
  resumeToken: token,
  /** Secret owning a newly created profile; the browser stores it per name. Sent only once. */
  accountToken: token.optional(),
  resumed: z.boolean(),
  graceMs: z.number(),
  rules: RulesSchema,
  /** The players nearest to you (you included); in a crowded world not everyone, see rosterRest. */
  players: z.array(PlayerInfoSchema),
  /** How many more players follow in `roster` messages (absent: none, `players` is everyone). */
  rosterRest: z.number().int().min(0).optional(),
  tick: z.number().int(),
  serverTimeMs: z.number(),
  /** The last input sequence number the server processed for this player (0: none). */
  ackSeq: z.number().int(),
  chatSeq: z.number().int(),
});
export type Welcome = z.infer<typeof WelcomeSchema>;

export const ResumeFailedSchema = z.object({
  t: z.literal('resume_failed'),
  reason: z.enum(['unknown', 'expired', 'version']),
});

/** The rest of the roster after a welcome, in chunks; `rest` players still to come (0: complete). */
export const RosterSchema = z.object({
  t: z.literal('roster'),
  players: z.array(PlayerInfoSchema),
  rest: z.number().int().min(0),
});

export const PlayerJoinedSchema = z.object({ t: z.literal('joined'), player: PlayerInfoSchema });
export const PresenceSchema = z.object({
  t: z.literal('presence'),
  id: z.number().int(),
  state: z.enum(['live', 'reconnecting']),
});
export const PlayerLeftSchema = z.object({
  t: z.literal('left'),
  id: z.number().int(),
  reason: z.enum(['closed', 'grace_expired', 'kicked', 'shutdown']),
});

export const ChatLineSchema = z.object({
  t: z.literal('chat'),
  /** Room-wide sequence number: strictly increasing, survives restarts, used for replay. */
  seq: z.number().int(),
  from: z.number().int(),
  name: z.string(),
  text: z.string(),
  atMs: z.number(),
  /** Only on the sender's copy: the client id it sent, so it can clear its outbox. */
  echo: z.string().optional(),
});
export type ChatLine = z.infer<typeof ChatLineSchema>;

export const ChatRejectedSchema = z.object({
  t: z.literal('chat_rejected'),
  id: z.string(),
  reason: z.enum(['slow_down', 'too_long', 'empty', 'invalid']),
  retryAfterMs: z.number().optional(),
});

export const ErrorCodeSchema = z.enum([
  'name_invalid',
  'name_taken',
  'bad_password',
  'server_full',
  /** The world holds as many players as it may; try again later. */
  'world_full',
  /** This address created too many new profiles lately; use a known name or wait. */
  'too_many_new_names',
  /** Too many joins or resumes in a short time; the message says how long to wait. */
  'slow_down',
  'not_joined',
  'already_joined',
  'bad_message',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
export const ErrorSchema = z.object({ t: z.literal('error'), code: ErrorCodeSchema, message: z.string() });

export const PongSchema = z.object({
  t: z.literal('pong'),
  id: z.number().int(),
  ct: z.number(),
  /** Server clock when it answered, for the client's server-time estimate. */
  st: z.number(),
  tick: z.number().int(),
  /**
   * Ms the answer waited on the server to leave with the next state frame (one write instead of
   * two): subtract it from the measured round trip. Absent means 0.
   */
  held: z.number().min(0).optional(),
});

export const RestartingSchema = z.object({
  t: z.literal('restarting'),
  /** Reconnect no sooner than this; clients add jitter so a restart is not a stampede. */
  retryAfterMs: z.number().int().min(0),
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
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

// ---- decoding ---------------------------------------------------------------------------------

export type DecodeResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'malformed' | 'unknown_type' | 'invalid'; detail: string };

export function decodeClientMessage(text: string): DecodeResult<ClientMessage> {
  return decodeWith(text, ClientMessageSchema, CLIENT_MESSAGE_TYPES);
}

const SERVER_MESSAGE_TYPES = ServerMessageSchema.options.map((o) => o.shape.t.value);

export function decodeServerMessage(text: string): DecodeResult<ServerMessage> {
  return decodeWith(text, ServerMessageSchema, SERVER_MESSAGE_TYPES);
}

function decodeWith<T>(text: string, schema: z.ZodType<T>, knownTypes: readonly string[]): DecodeResult<T> {
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
    return { ok: false, kind: 'invalid', detail: `${type}: ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
