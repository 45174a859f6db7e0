/**
 * Test support: a real Tether server on an ephemeral loopback port with a real SQLite file in a
 * temp dir, and real headless clients speaking to it over real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, type ServerConfig } from '../../src/server/config.js';
import { createMemoryLogger } from '../../src/server/logger.js';
import { startTetherServer, type TetherServer } from '../../src/server/tether-server.js';
import { TetherClient, type TetherClientOptions } from '../../src/client/core/tether-client.js';
import { wsTransport } from '../../src/client/node/ws-transport.js';
import { systemClock } from '../../src/shared/system-clock.js';

/** The fixture's --admin-token: tests read /status and /metrics with it. */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const ADMIN_HEADERS: Readonly<Record<string, string>> = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface Fixture {
  server: TetherServer;
  config: ServerConfig;
  dir: string;
  logs: ReturnType<typeof createMemoryLogger>['lines'];
  wsUrl: string;
  client(name: string, extra?: Partial<TetherClientOptions>): TetherClient;
  /** Stops the server and keeps the database, for restart tests. */
  restart(overrides?: Partial<ServerConfig>): Promise<void>;
  close(): Promise<void>;
}

export async function startFixture(overrides: Partial<ServerConfig> = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-test-'));
  const logger = createMemoryLogger();
  // parallelSendMin 2: every test with two or more players also exercises the two-thread state
  // writer (state-writer.ts), which production uses from 256 players on. Every test client
  // comes from 127.0.0.1, and loopback is not exempt from the per-address limit: tests that
  // are not about that limit raise it.
  let config: ServerConfig = {
    ...DEFAULT_CONFIG,
    port: 0,
    dbPath: join(dir, 'tether.sqlite'),
    logLevel: 'silent',
    parallelSendMin: 2,
    maxConnectionsPerAddress: 10_000,
    // Every test client comes from 127.0.0.1: the per-address game limits are raised like the
    // connection limit (tests of those limits lower them again).
    maxGracePerAddress: 10_000,
    newProfilesPerAddressHour: 1_000_000,
    joinsPerAddressMinute: 1_000_000,
    adminToken: ADMIN_TOKEN,
    ...overrides,
  };
  let server = await startTetherServer(config, { logger });
  const clients: TetherClient[] = [];
  const fixture: Fixture = {
    server,
    config,
    dir,
    logs: logger.lines,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    client(name, extra = {}) {
      const c = new TetherClient({ url: fixture.wsUrl, transport: wsTransport, clock: systemClock, name, character: 0, ...extra });
      clients.push(c);
      c.start();
      return c;
    },
    async restart(more = {}) {
      const port = server.port;
      await server.stop(200);
      config = { ...config, port, ...more };
      server = await startTetherServer(config, { logger });
      fixture.server = server;
      fixture.config = config;
    },
    async close() {
      for (const c of clients) c.dispose();
      await server.stop(0);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Resolves when `predicate` holds, checked on every event of the client; rejects after `ms`. */
export function until(client: TetherClient, predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const events = ['status', 'welcome', 'joined', 'left', 'presence', 'chat', 'snapshot', 'refused', 'chatRejected'] as const;
    const offs: Array<() => void> = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for: ${what}`)), ms);
    for (const e of events) offs.push(client.on(e, () => predicate() && done()));
  });
}

export function joined(client: TetherClient, ms = 5000): Promise<void> {
  return until(client, () => client.status.kind === 'live' && client.selfId !== null, 'client live', ms);
}
