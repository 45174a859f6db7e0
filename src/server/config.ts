/**
 * Server configuration: defaults, then environment variables, then command-line flags.
 * Only main.ts calls loadConfig; everything else receives a ServerConfig.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_RULES, MAX_WORLD_UNITS, type WorldRules } from '../shared/world-rules.js';
import type { LogLevel } from './logger.js';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly dbPath: string;
  readonly rules: WorldRules;
  readonly graceMs: number;
  readonly helloTimeoutMs: number;
  /** Server-side liveness: a protocol ping every heartbeatMs; dead after deadAfterMs of silence. */
  readonly heartbeatMs: number;
  readonly deadAfterMs: number;
  readonly maxConnectionsPerAddress: number;
  /** Loopback clients (bots, tests) are exempt from the per-address limit unless this is set. */
  readonly limitLoopback: boolean;
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
  /** Bodies in the world (live and in grace); kept below the snapshot format's 65,535. */
  readonly maxPlayers: number;
  /** Bodies in grace (dropped, not yet resumed) one address may have at once. */
  readonly maxGracePerAddress: number;
  /** New profiles (names) one address may create per hour. */
  readonly newProfilesPerAddressHour: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 5000,
  dbPath: './data/tether.sqlite',
  rules: DEFAULT_RULES,
  graceMs: 30_000,
  helloTimeoutMs: 5_000,
  heartbeatMs: 1_000,
  deadAfterMs: 4_000,
  maxConnectionsPerAddress: 16,
  limitLoopback: false,
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
  maxGracePerAddress: 8,
  newProfilesPerAddressHour: 20,
};

export const HELP = `Usage: npm start -- [options]     (or: node --import tsx src/server/main.ts [options])

Options (environment variable in brackets):
  --host HOST               interface to listen on [HOST]                       (default 127.0.0.1)
  --port PORT               port for the game page and WebSocket, 0 = any [PORT] (default 5000)
  --db PATH                 SQLite file, or :memory: [TETHER_DB]                (default ./data/tether.sqlite)
  --tick-rate HZ            simulation ticks per second [TETHER_TICK_RATE]      (default 20)
  --world WxH               world size in units [TETHER_WORLD]                  (default 1000x1000)
  --speed UNITS             walking speed in units/s [TETHER_SPEED]             (default 120)
  --grace-ms MS             how long a dropped player may resume [TETHER_GRACE_MS] (default 30000)
  --max-conns-per-ip N      connections per remote address [TETHER_MAX_CONNS_PER_IP] (default 16)
  --limit-loopback          apply that limit to loopback clients too
  --allowed-origins LIST    comma-separated origins allowed to open the WebSocket,
                            besides the page's own [TETHER_ALLOWED_ORIGINS]
  --password SECRET         private server: clients must send it [TETHER_PASSWORD]
  --log-level LEVEL         debug | info | warn | error | silent [TETHER_LOG_LEVEL] (default info)
  --parallel-send-min N     ticks with N or more players write state from two threads;
                            0 turns that off [TETHER_PARALLEL_SEND_MIN]          (default 256)
  --profile-expiry-days N   delete profiles unused for N days, at start-up and daily;
                            0 keeps them [TETHER_PROFILE_EXPIRY_DAYS]            (default 180)
  --max-players N           bodies in the world, live or in grace, at most 60000
                            [TETHER_MAX_PLAYERS]                                 (default 5000)
  --max-grace-per-ip N      dropped players in their grace period per address
                            [TETHER_MAX_GRACE_PER_IP]                            (default 8)
  --new-names-per-ip-hour N new profiles one address may create per hour
                            [TETHER_NEW_NAMES_PER_IP_HOUR]                       (default 20)
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
      'tick-rate': { type: 'string' },
      world: { type: 'string' },
      speed: { type: 'string' },
      'grace-ms': { type: 'string' },
      'max-conns-per-ip': { type: 'string' },
      'limit-loopback': { type: 'boolean' },
      'allowed-origins': { type: 'string' },
      password: { type: 'string' },
      'log-level': { type: 'string' },
      'parallel-send-min': { type: 'string' },
      'profile-expiry-days': { type: 'string' },
      'max-players': { type: 'string' },
      'max-grace-per-ip': { type: 'string' },
      'new-names-per-ip-hour': { type: 'string' },
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
  return {
    ...d,
    host: pick(values.host, 'HOST') ?? d.host,
    port: num(pick(values.port, 'PORT'), d.port, 'port', 0, 65535),
    dbPath: pick(values.db, 'TETHER_DB') ?? d.dbPath,
    rules: { widthUnits, heightUnits, speedUnitsPerS, tickRateHz },
    graceMs: num(pick(values['grace-ms'], 'TETHER_GRACE_MS'), d.graceMs, 'grace period', 0, 24 * 3600_000),
    maxConnectionsPerAddress: num(pick(values['max-conns-per-ip'], 'TETHER_MAX_CONNS_PER_IP'), d.maxConnectionsPerAddress, 'connections per address', 1, 1_000_000),
    limitLoopback: values['limit-loopback'] ?? false,
    allowedOrigins: origins ? origins.split(',').map((s) => s.trim()).filter(Boolean) : [],
    password: pick(values.password, 'TETHER_PASSWORD') ?? '',
    logLevel: logLevel as ServerConfig['logLevel'],
    publicDir: pick(values['public-dir'], 'TETHER_PUBLIC_DIR') ?? d.publicDir,
    serveSourceMaps: values['serve-source-maps'] ?? env['TETHER_SERVE_SOURCE_MAPS'] === '1',
    parallelSendMin: num(pick(values['parallel-send-min'], 'TETHER_PARALLEL_SEND_MIN'), d.parallelSendMin, 'parallel send minimum', 0, 1_000_000),
    profileExpiryDays: num(pick(values['profile-expiry-days'], 'TETHER_PROFILE_EXPIRY_DAYS'), d.profileExpiryDays, 'profile expiry days', 0, 100_000),
    // The snapshot format counts bodies in 16 bits; the margin covers bodies joining mid-tick.
    maxPlayers: num(pick(values['max-players'], 'TETHER_MAX_PLAYERS'), d.maxPlayers, 'max players', 1, 60_000),
    maxGracePerAddress: num(pick(values['max-grace-per-ip'], 'TETHER_MAX_GRACE_PER_IP'), d.maxGracePerAddress, 'grace bodies per address', 0, 1_000_000),
    newProfilesPerAddressHour: num(pick(values['new-names-per-ip-hour'], 'TETHER_NEW_NAMES_PER_IP_HOUR'), d.newProfilesPerAddressHour, 'new names per address per hour', 1, 1_000_000),
  };
}

function num(raw: string | undefined, fallback: number, what: string, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new ConfigError(`${what} must be a whole number from ${lo} to ${hi}, got "${raw}"`);
  return n;
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
