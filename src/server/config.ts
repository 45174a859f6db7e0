/**
 * Server configuration: defaults, then environment variables, then command-line flags.
 * Only main.ts calls loadConfig; everything else receives a ServerConfig.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_RULES, MAX_WORLD_UNITS, type WorldRules } from '../shared/world-rules.js';
import { DEFAULT_WORLD, normalizeWorldName } from '../shared/world-names.js';
import type { LogLevel } from './logger.js';
import { ProxyTrust, type ForwardedHeader } from './net/client-address.js';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dbPath: string;
  /** PostgreSQL URL; when set, profiles and chat live there instead of the SQLite file. */
  readonly postgresUrl: string;
  /**
   * Redis URL; when set, this process is a node of a cluster (docs/cluster.md): worlds are
   * placed on nodes by leases in Redis, sessions and chat live in Redis, profiles, checkpoints and
   * chat history in PostgreSQL (--postgres is then required).
   */
  readonly redisUrl: string;
  /** Prefix of every Redis key: several clusters (or test runs) can share one Redis. */
  readonly redisPrefix: string;
  /** This node's name in the cluster (unique per node). */
  readonly nodeId: string;
  /** How long a world's lease lasts without a renewal (renewed every third of it). */
  readonly leaseMs: number;
  readonly rules: WorldRules;
  readonly graceMs: number;
  readonly helloTimeoutMs: number;
  /** Server-side liveness: a protocol ping every heartbeatMs; dead after deadAfterMs of silence. */
  readonly heartbeatMs: number;
  readonly deadAfterMs: number;
  /** WebSockets per client address (IPv4 address or IPv6 /64); loopback is not exempt. */
  readonly maxConnectionsPerAddress: number;
  /** All TCP connections at once; 0 = the descriptor limit minus a reserve (descriptor-limit.ts). */
  readonly maxConnections: number;
  /** A connection must send each request's headers within this (and idle keep-alives are closed). */
  readonly headersTimeoutMs: number;
  /** Proxies (addresses or CIDR ranges) whose forwarding header names the client. */
  readonly trustProxy: readonly string[];
  readonly forwardedHeader: ForwardedHeader;
  /** Opens /status, /status.json and /metrics to whoever presents it; empty = they are refused. */
  readonly adminToken: string;
  /** The address players use (e.g. https://play.example); its host is an allowed Host. */
  readonly publicUrl: string;
  /** More host names the server answers to (IP addresses and localhost always are). */
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly password: string;
  readonly chatHistoryLimit: number;
  readonly positionFlushMs: number;
  readonly logLevel: LogLevel | 'silent';
  /** The built client (npm run build writes it). */
  readonly publicDir: string;
  /** Serve the client's *.map files; off so players do not download them. */
  readonly serveSourceMaps: boolean;
  /**
   * Ticks with at least this many state frames are written from two threads (state-writer.ts);
   * 0 turns the helper thread off.
   */
  readonly parallelSendMin: number;
  /** Profiles unused (no join, no movement) for this many days are deleted; 0 keeps them for ever. */
  readonly profileExpiryDays: number;
  /**
   * Bodies in a world (live and in grace) unless --worlds gives it another capacity; kept below
   * the snapshot format's 65,535.
   */
  readonly maxPlayers: number;
  /** Worlds that are always there, first one first for quick joins; capacity 0: maxPlayers. */
  readonly worlds: ReadonlyArray<{ readonly name: string; readonly capacity: number }>;
  /** Worlds open at once, counting overflow worlds and worlds opened by invite links. */
  readonly maxWorlds: number;
  /** Bodies in grace (dropped, not yet resumed) one address may have at once. */
  readonly maxGracePerAddress: number;
  /** New profiles (names) one address may create per hour. */
  readonly newProfilesPerAddressHour: number;
  /** Joins and resumes from one address per minute (a quarter of them at once). */
  readonly joinsPerAddressMinute: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 5000,
  dbPath: './data/tether.sqlite',
  postgresUrl: '',
  redisUrl: '',
  redisPrefix: 'tether:',
  nodeId: '',
  leaseMs: 3000,
  rules: DEFAULT_RULES,
  graceMs: 30_000,
  helloTimeoutMs: 5_000,
  heartbeatMs: 1_000,
  deadAfterMs: 4_000,
  maxConnectionsPerAddress: 16,
  maxConnections: 0,
  headersTimeoutMs: 5_000,
  trustProxy: [],
  forwardedHeader: 'x-forwarded-for',
  adminToken: '',
  publicUrl: '',
  allowedHosts: [],
  allowedOrigins: [],
  password: '',
  chatHistoryLimit: 1000,
  positionFlushMs: 2_000,
  logLevel: 'info',
  publicDir: './dist/public',
  serveSourceMaps: false,
  parallelSendMin: 256,
  profileExpiryDays: 180,
  maxPlayers: 5000,
  worlds: [{ name: DEFAULT_WORLD, capacity: 0 }],
  maxWorlds: 16,
  maxGracePerAddress: 8,
  newProfilesPerAddressHour: 20,
  joinsPerAddressMinute: 240,
};

export const HELP = `Usage: npm start -- [options]     (or: node --import tsx src/server/main.ts [options])

Options (environment variable in brackets):
  --host HOST               interface to listen on [HOST]                       (default 127.0.0.1)
  --port PORT               port for the game page and WebSocket, 0 = any [PORT] (default 5000)
  --db PATH                 SQLite file, or :memory: [TETHER_DB]                (default ./data/tether.sqlite)
  --postgres URL            keep profiles and chat in PostgreSQL instead of SQLite,
                            e.g. postgres://user@host:5432/tether [TETHER_POSTGRES]

Cluster (many worlds on many nodes; docs/cluster.md):
  --redis URL               run as a node of the cluster that shares this Redis, e.g.
                            redis://127.0.0.1:6379; needs --postgres [TETHER_REDIS]
  --redis-prefix PREFIX     prefix of the cluster's Redis keys, so several clusters can share
                            one Redis [TETHER_REDIS_PREFIX]                      (default tether:)
  --node-id ID              this node's name, unique in the cluster (a-z, 0-9, -, _)
                            [TETHER_NODE_ID]                                     (default host-port)
  --public-url URL          where players reach this node; other nodes send players here
                            (its WebSocket is this URL's /ws) [TETHER_PUBLIC_URL]
                            (default http://HOST:PORT)
  --lease-ms MS             a world's lease without renewal: how soon a dead node's worlds
                            move [TETHER_LEASE_MS]                               (default 3000)

Game, limits and operation:
  --tick-rate HZ            simulation ticks per second [TETHER_TICK_RATE]      (default 20)
  --world WxH               world size in units [TETHER_WORLD]                  (default 1000x1000)
  --speed UNITS             walking speed in units/s [TETHER_SPEED]             (default 120)
  --grace-ms MS             how long a dropped player may resume [TETHER_GRACE_MS] (default 30000)
  --max-conns-per-ip N      WebSockets per client address, an IPv6 /64 counting as one
                            [TETHER_MAX_CONNS_PER_IP] (default 16). Loopback is not exempt:
                            to run many local bots against your own server, raise it
                            (e.g. --max-conns-per-ip 1000); browser tabs on one machine are
                            one address
  --max-connections N       TCP connections at once, 0 = the descriptor limit (ulimit -n) less
                            an eighth of it, at least 64, kept for files and SQLite
                            [TETHER_MAX_CONNECTIONS] (default 0)
  --headers-timeout-ms MS   a connection that has not sent a request's headers within this,
                            or sits idle between requests, is closed [TETHER_HEADERS_TIMEOUT_MS]
                            (default 5000)
  --trust-proxy LIST        comma-separated addresses or CIDR ranges of reverse proxies whose
                            forwarding header names the client (the rightmost hop that is not
                            a trusted proxy is the client) [TETHER_TRUST_PROXY]; loopback is
                            not trusted unless listed (e.g. --trust-proxy 127.0.0.1,::1 for a
                            proxy on the same host)
  --forwarded-header NAME   which header those proxies set: x-forwarded-for | forwarded
                            [TETHER_FORWARDED_HEADER]                           (default x-forwarded-for)
  --admin-token TOKEN       opens /status, /status.json and /metrics to requests with
                            "Authorization: Bearer TOKEN" or Basic auth with TOKEN as the
                            password (what a browser asks for); without it they answer 403.
                            Players' addresses only with /status.json?ips=1 [TETHER_ADMIN_TOKEN]
  --public-url URL          the address players open (e.g. https://play.example); its host is
                            accepted in Host headers; a cluster node's own address (above)
                            [TETHER_PUBLIC_URL]
  --allowed-hosts LIST      more host names accepted in Host headers (IP addresses, localhost
                            and the --host name always are; others get 421) [TETHER_ALLOWED_HOSTS]
  --allowed-origins LIST    comma-separated origins allowed to open the WebSocket,
                            besides the page's own [TETHER_ALLOWED_ORIGINS]
  --password SECRET         private server: clients must send it [TETHER_PASSWORD]
  --log-level LEVEL         debug | info | warn | error | silent [TETHER_LOG_LEVEL] (default info)
  --parallel-send-min N     ticks with N or more players write state from two threads;
                            0 turns that off [TETHER_PARALLEL_SEND_MIN]          (default 256)
  --profile-expiry-days N   delete profiles unused for N days, at start-up and daily;
                            0 keeps them [TETHER_PROFILE_EXPIRY_DAYS]            (default 180)
  --worlds LIST             the worlds that are always open, NAME or NAME:CAPACITY, comma-
                            separated; quick joins fill them in this order, then open
                            overflow worlds (lobby-2, ...). Names: a-z, 0-9, inner hyphens
                            [TETHER_WORLDS]                                      (default lobby)
  --max-players N           bodies in a world, live or in grace, unless --worlds says
                            otherwise; at most 60000 [TETHER_MAX_PLAYERS]        (default 5000)
  --max-worlds N            worlds open at once, overflow worlds and worlds opened by
                            invite links (?world=NAME) included [TETHER_MAX_WORLDS] (default 16)
  --max-grace-per-ip N      dropped players in their grace period per address
                            [TETHER_MAX_GRACE_PER_IP]                            (default 8)
  --new-names-per-ip-hour N new profiles one address may create per hour
                            [TETHER_NEW_NAMES_PER_IP_HOUR]                       (default 20)
  --joins-per-ip-minute N   joins and resumes from one address per minute, a quarter
                            of them at once [TETHER_JOINS_PER_IP_MINUTE]         (default 240)
  --public-dir PATH         the built client to serve [TETHER_PUBLIC_DIR]       (default ./dist/public)
  --serve-source-maps       also serve the client's source maps (*.map) [TETHER_SERVE_SOURCE_MAPS=1]
  -h, --help                show this help
`;

export class ConfigError extends Error {}

export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServerConfig | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      postgres: { type: 'string' },
      redis: { type: 'string' },
      'redis-prefix': { type: 'string' },
      'node-id': { type: 'string' },
      'lease-ms': { type: 'string' },
      'tick-rate': { type: 'string' },
      world: { type: 'string' },
      speed: { type: 'string' },
      'grace-ms': { type: 'string' },
      'max-conns-per-ip': { type: 'string' },
      'max-connections': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'forwarded-header': { type: 'string' },
      'admin-token': { type: 'string' },
      'public-url': { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'allowed-origins': { type: 'string' },
      password: { type: 'string' },
      'log-level': { type: 'string' },
      'parallel-send-min': { type: 'string' },
      'profile-expiry-days': { type: 'string' },
      'max-players': { type: 'string' },
      worlds: { type: 'string' },
      'max-worlds': { type: 'string' },
      'max-grace-per-ip': { type: 'string' },
      'new-names-per-ip-hour': { type: 'string' },
      'joins-per-ip-minute': { type: 'string' },
      'public-dir': { type: 'string' },
      'serve-source-maps': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const pick = (flag: string | undefined, envName: string): string | undefined => flag ?? env[envName];
  const d = DEFAULT_CONFIG;
  const tickRateHz = num(pick(values['tick-rate'], 'TETHER_TICK_RATE'), d.rules.tickRateHz, 'tick rate', 1, 120);
  const [widthUnits, heightUnits] = world(pick(values.world, 'TETHER_WORLD'), d.rules);
  const speedUnitsPerS = num(pick(values.speed, 'TETHER_SPEED'), d.rules.speedUnitsPerS, 'speed', 1, 10_000);
  const logLevel = pick(values['log-level'], 'TETHER_LOG_LEVEL') ?? d.logLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) throw new ConfigError(`unknown log level "${logLevel}"`);
  const origins = pick(values['allowed-origins'], 'TETHER_ALLOWED_ORIGINS');
  const trustProxy = list(pick(values['trust-proxy'], 'TETHER_TRUST_PROXY'));
  try {
    new ProxyTrust(trustProxy);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const forwardedHeader = (pick(values['forwarded-header'], 'TETHER_FORWARDED_HEADER') ?? d.forwardedHeader).toLowerCase();
  if (forwardedHeader !== 'x-forwarded-for' && forwardedHeader !== 'forwarded') throw new ConfigError(`forwarded header must be x-forwarded-for or forwarded, got "${forwardedHeader}"`);
  const adminToken = pick(values['admin-token'], 'TETHER_ADMIN_TOKEN') ?? '';
  if (adminToken && adminToken.length < 16) throw new ConfigError('admin token must be at least 16 characters');
  const worlds = worldList(pick(values.worlds, 'TETHER_WORLDS'), d.worlds);
  const maxWorlds = num(pick(values['max-worlds'], 'TETHER_MAX_WORLDS'), d.maxWorlds, 'max worlds', 1, 10_000);
  if (maxWorlds < worlds.length) throw new ConfigError(`max worlds (${maxWorlds}) is less than the ${worlds.length} worlds configured`);
  const publicUrl = pick(values['public-url'], 'TETHER_PUBLIC_URL') ?? '';
  if (publicUrl && !URL.canParse(publicUrl)) throw new ConfigError(`public URL "${publicUrl}" is not a URL`);
  const redisUrl = redisUrlOf(pick(values.redis, 'TETHER_REDIS'));
  const pgUrl = postgresUrl(pick(values.postgres, 'TETHER_POSTGRES'));
  if (redisUrl && !pgUrl) throw new ConfigError('a cluster node (--redis) needs --postgres for profiles, checkpoints and chat history');
  const host = pick(values.host, 'HOST') ?? d.host;
  const port = num(pick(values.port, 'PORT'), d.port, 'port', 0, 65535);
  const nodeId = pick(values['node-id'], 'TETHER_NODE_ID') ?? '';
  if (nodeId && !/^[A-Za-z0-9_-]{1,40}$/.test(nodeId)) throw new ConfigError(`node id "${nodeId}" must be 1-40 of a-z, A-Z, 0-9, - and _`);
  return {
    ...d,
    host,
    port,
    dbPath: pick(values.db, 'TETHER_DB') ?? d.dbPath,
    postgresUrl: pgUrl,
    redisUrl,
    redisPrefix: pick(values['redis-prefix'], 'TETHER_REDIS_PREFIX') ?? d.redisPrefix,
    nodeId,
    leaseMs: num(pick(values['lease-ms'], 'TETHER_LEASE_MS'), d.leaseMs, 'lease', 500, 60_000),
    rules: { widthUnits, heightUnits, speedUnitsPerS, tickRateHz },
    graceMs: num(pick(values['grace-ms'], 'TETHER_GRACE_MS'), d.graceMs, 'grace period', 0, 24 * 3600_000),
    maxConnectionsPerAddress: num(pick(values['max-conns-per-ip'], 'TETHER_MAX_CONNS_PER_IP'), d.maxConnectionsPerAddress, 'connections per address', 1, 1_000_000),
    maxConnections: num(pick(values['max-connections'], 'TETHER_MAX_CONNECTIONS'), d.maxConnections, 'connection cap', 0, 10_000_000),
    headersTimeoutMs: num(pick(values['headers-timeout-ms'], 'TETHER_HEADERS_TIMEOUT_MS'), d.headersTimeoutMs, 'headers timeout', 100, 600_000),
    trustProxy,
    forwardedHeader,
    adminToken,
    publicUrl,
    allowedHosts: list(pick(values['allowed-hosts'], 'TETHER_ALLOWED_HOSTS')),
    allowedOrigins: list(origins),
    password: pick(values.password, 'TETHER_PASSWORD') ?? '',
    logLevel: logLevel as ServerConfig['logLevel'],
    publicDir: pick(values['public-dir'], 'TETHER_PUBLIC_DIR') ?? d.publicDir,
    serveSourceMaps: values['serve-source-maps'] ?? env['TETHER_SERVE_SOURCE_MAPS'] === '1',
    parallelSendMin: num(pick(values['parallel-send-min'], 'TETHER_PARALLEL_SEND_MIN'), d.parallelSendMin, 'parallel send minimum', 0, 1_000_000),
    profileExpiryDays: num(pick(values['profile-expiry-days'], 'TETHER_PROFILE_EXPIRY_DAYS'), d.profileExpiryDays, 'profile expiry days', 0, 100_000),
    // The snapshot format counts bodies in 16 bits; the margin covers bodies joining mid-tick.
    maxPlayers: num(pick(values['max-players'], 'TETHER_MAX_PLAYERS'), d.maxPlayers, 'max players', 1, 60_000),
    worlds,
    maxWorlds,
    maxGracePerAddress: num(pick(values['max-grace-per-ip'], 'TETHER_MAX_GRACE_PER_IP'), d.maxGracePerAddress, 'grace bodies per address', 0, 1_000_000),
    newProfilesPerAddressHour: num(pick(values['new-names-per-ip-hour'], 'TETHER_NEW_NAMES_PER_IP_HOUR'), d.newProfilesPerAddressHour, 'new names per address per hour', 1, 100_000_000),
    joinsPerAddressMinute: num(pick(values['joins-per-ip-minute'], 'TETHER_JOINS_PER_IP_MINUTE'), d.joinsPerAddressMinute, 'joins per address per minute', 1, 100_000_000),
  };
}

function list(raw: string | undefined): string[] {
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function num(raw: string | undefined, fallback: number, what: string, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new ConfigError(`${what} must be a whole number from ${lo} to ${hi}, got "${raw}"`);
  return n;
}

function redisUrlOf(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--redis must be a URL like redis://127.0.0.1:6379, got "${raw}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError(`--redis must start with redis://, got "${url.protocol}"`);
  return raw;
}

function worldList(raw: string | undefined, fallback: ServerConfig['worlds']): ServerConfig['worlds'] {
  if (raw === undefined) return fallback;
  const out: Array<{ name: string; capacity: number }> = [];
  for (const item of list(raw)) {
    const [rawName = '', rawCap] = item.split(':');
    const name = normalizeWorldName(rawName);
    if (!name) throw new ConfigError(`world name "${rawName}" must be 1-24 of a-z, 0-9 and inner hyphens`);
    if (out.some((w) => w.name === name)) throw new ConfigError(`world "${name}" is listed twice`);
    out.push({ name, capacity: rawCap === undefined ? 0 : num(rawCap, 0, `capacity of world ${name}`, 1, 60_000) });
  }
  if (out.length === 0) throw new ConfigError('--worlds needs at least one world');
  return out;
}

function postgresUrl(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`--postgres must be a URL like postgres://user@host:5432/db, got "${raw}"`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConfigError(`--postgres must start with postgres://, got "${url.protocol}"`);
  return raw;
}

function world(raw: string | undefined, rules: WorldRules): [number, number] {
  if (raw === undefined) return [rules.widthUnits, rules.heightUnits];
  const m = /^(\d+)x(\d+)$/.exec(raw);
  const w = Number(m?.[1]);
  const h = Number(m?.[2]);
  if (!m || w < 64 || h < 64 || w > MAX_WORLD_UNITS || h > MAX_WORLD_UNITS) {
    throw new ConfigError(`world must be WxH with each side from 64 to ${MAX_WORLD_UNITS}, got "${raw}"`);
  }
  return [w, h];
}
