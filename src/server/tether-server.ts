/**
 * Assembles a Tether server from its parts: storage, room, tick loop, HTTP (static client,
 * health) and the WebSocket gateway, all on one port. Tests start it on port 0 with an in-memory
 * or temp-file database; main.ts starts it from the command line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../shared/clock.js';
import { repeat } from '../shared/repeat.js';
import { systemClock } from '../shared/system-clock.js';
import { tickMs } from '../shared/world-rules.js';
import type { ServerConfig } from './config.js';
import { Room, type RoomSeams } from './game/room.js';
import type { WorldPlacement } from './game/world-placement.js';
import { ClusterNode, socketUrlOf } from './cluster/cluster-node.js';
import { Lobby } from './game/lobby.js';
import { LocalPlacement, type WorldSpec } from './game/local-placement.js';
import { PasswordAttempts } from './game/password-attempts.js';
import { LocalSessionRegistry } from './sessions/local-session-registry.js';
import { handleWorldsRoute } from './net/worlds-route.js';
import { TickLoop } from './game/tick-loop.js';
import { BurstLog } from './burst-log.js';
import { createLogger, type Logger } from './logger.js';
import { Gateway } from './net/gateway.js';
import { ServerMetrics } from './metrics.js';
import { AdminAuth } from './net/admin-auth.js';
import { ProxyTrust, clientAddress } from './net/client-address.js';
import { ConnectionGuard } from './net/connection-guard.js';
import { connectionCap } from './net/descriptor-limit.js';
import { HostPolicy, applySecurityHeaders, configuredHostNames } from './net/http-policy.js';
import { handleStatusRoute } from './net/status-routes.js';
import { StaticFiles } from './net/static-files.js';
import { ParallelStateWriter, directStateWriter } from './net/state-writer.js';
import { openPostgresStorage, type PostgresStorage } from './store/postgres-store.js';
import { openSqliteStorage } from './store/sqlite-store.js';
import { DAY_MS, expireProfiles, rekeyProfiles } from './game/profile-upkeep.js';
import type { Storage } from './store/store.js';

export interface TetherServer {
  readonly port: number;
  readonly host: string;
  readonly url: string;
  /** The first configured world (tests and tools that play in one world). */
  readonly room: Room;
  /** Every world of the process, and the door to them. */
  readonly lobby: Lobby;
  /** The cluster parts when this is a cluster node (--redis), else null. */
  readonly cluster: ClusterNode | null;
  readonly gateway: Gateway;
  readonly metrics: ServerMetrics;
  readonly connections: ConnectionGuard;
  /** Graceful: tells clients to come back, saves positions, closes storage. */
  stop(retryAfterMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly storage?: Storage;
}

export async function startTetherServer(config: ServerConfig, options: StartOptions = {}): Promise<TetherServer> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const storage = options.storage ?? (await openConfiguredStorage(config, logger, clock));
  // The helper thread for big ticks' writes needs Linux (state-writer.ts).
  const stateWriter = config.parallelSendMin > 0 && process.platform === 'linux' ? new ParallelStateWriter({ minBatch: config.parallelSendMin }) : directStateWriter;
  // One password-attempt ledger for every world of the process (more worlds must not mean more
  // guesses), and in single-process mode one session registry: a resume token finds its world there.
  const passwordAttempts = new PasswordAttempts(logger, clock);
  let metrics: ServerMetrics | null = null;
  const makeRoom = (spec: WorldSpec, seams: RoomSeams): Room => {
    const r = new Room(
      {
        world: spec.name,
        rules: config.rules,
        graceMs: config.graceMs,
        password: config.password,
        chatMemoryLimit: config.chatHistoryLimit,
        chatBurst: 5,
        chatPerSecond: 1,
        maxPlayers: spec.capacity,
        maxGracePerAddress: config.maxGracePerAddress,
        newProfilesPerAddressHour: config.newProfilesPerAddressHour,
        joinsPerAddressMinute: config.joinsPerAddressMinute,
      },
      storage,
      clock,
      logger,
      Math.random,
      { ...seams, passwordAttempts },
    );
    r.metrics = metrics;
    return r;
  };
  const capacityOf = (c: number) => (c > 0 ? c : config.maxPlayers);
  const configured = config.worlds.map((w) => ({ name: w.name, capacity: capacityOf(w.capacity) }));
  let placement: WorldPlacement;
  let local: LocalPlacement | null = null;
  let cluster: ClusterNode | null = null;
  /** This node's public WebSocket URL (a cluster sends players to it); known once listening. */
  let socketUrl = '';
  if (config.redisUrl) {
    if (!isPostgresStorage(storage)) throw new Error('a cluster node (--redis) keeps its data in PostgreSQL: give --postgres');
    cluster = await ClusterNode.create({
      redisUrl: config.redisUrl,
      keyPrefix: config.redisPrefix,
      pool: storage.pool,
      nodeId: config.nodeId || `${config.host}-${config.port}`,
      socketUrl: () => socketUrl,
      leaseMs: config.leaseMs,
      graceMs: config.graceMs,
      chatHistoryLimit: config.chatHistoryLimit,
      configured,
      capacity: config.maxPlayers,
      maxWorlds: config.maxWorlds,
      clock,
      logger,
      makeRoom,
    });
    placement = cluster.placement;
  } else {
    const sessions = new LocalSessionRegistry(clock);
    local = new LocalPlacement(
      { configured, capacity: config.maxPlayers, maxWorlds: config.maxWorlds, emptyCloseMs: 60_000 },
      async (spec) => {
        const r = makeRoom(spec, { sessions });
        await r.load();
        return r;
      },
      sessions,
      clock,
      logger,
    );
    await local.start();
    placement = local;
  }
  const lobby = new Lobby(placement, logger);
  const firstWorld = config.worlds[0]!.name;

  await rekeyProfiles(storage.profiles, logger);
  const upkeep = async () => {
    try {
      await expireProfiles(storage.profiles, config.profileExpiryDays, new Set(lobby.roster().map((p) => p.id)), Date.now(), logger);
    } catch (err) {
      logger.log('error', 'profile_expiry_failed', { err: String(err) });
    }
  };
  await upkeep();
  const daily = setInterval(() => void upkeep(), DAY_MS);
  daily.unref();
  const trust = new ProxyTrust(config.trustProxy);
  const addressOf = (req: IncomingMessage) => clientAddress(req.socket.remoteAddress, req.headers, trust, config.forwardedHeader);
  const gateway = new Gateway(
    {
      helloTimeoutMs: config.helloTimeoutMs,
      heartbeatMs: config.heartbeatMs,
      deadAfterMs: config.deadAfterMs,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      addressOf,
      allowedOrigins: config.allowedOrigins,
      ...(cluster ? { originAllowed: (origin: string) => cluster.knowsOrigin(origin) } : {}),
      maxMessagesPerSecond: config.rules.tickRateHz * 10,
      stateWriter,
    },
    lobby,
    clock,
    logger,
  );
  metrics = new ServerMetrics(lobby, gateway, clock, cluster);
  for (const r of placement.rooms.values()) r.metrics = metrics;
  lobby.metrics = metrics;
  gateway.metrics = metrics;
  const staticFiles = new StaticFiles({
    root: config.publicDir,
    serveSourceMaps: config.serveSourceMaps,
    onError: (event, detail) => logger.log('warn', event, detail),
  });
  const connections = new ConnectionGuard(
    // Per address, all TCP connections: its WebSockets and a browser's handful of HTTP ones.
    { maxConnections: connectionCap(config.maxConnections), maxPerAddress: config.maxConnectionsPerAddress + 8, firstRequestMs: config.headersTimeoutMs },
    trust,
    logger,
    clock,
  );
  const serverMetrics = metrics;
  connections.onRefused = (reason) => serverMetrics.connectionRefused(reason);
  serverMetrics.openConnections = () => connections.open;
  const hosts = new HostPolicy(configuredHostNames(config.host, config.publicUrl, config.allowedHosts));
  const admin = new AdminAuth(config.adminToken);
  const http: Server = createServer(
    {
      // Node's own bounds for requests after the first (connection-guard.ts times the first).
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: Math.max(config.headersTimeoutMs, 30_000),
      keepAliveTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    (req, res) => {
      connections.requestStarted(req.socket);
      applySecurityHeaders(res, cluster !== null);
      if (!hosts.allows(req.headers.host)) {
        res.writeHead(421, { 'content-type': 'text/plain', connection: 'close' }).end('misdirected request: unknown host\n');
        return;
      }
      route(req, res);
    },
  );
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    if (handleStatusRoute(req, res, lobby, serverMetrics, admin, clock, () => cluster?.status() ?? null)) return;
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, players: lobby.playerCount }));
      return;
    }
    if (handleWorldsRoute(req, res, placement, (err) => logger.log('warn', 'worlds_route_failed', { err: String(err) }))) return;
    if (!staticFiles.handle(req, res)) res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed');
  };
  connections.attach(http);
  http.on('upgrade', (req, socket, head) => {
    connections.requestStarted(req.socket);
    if (!hosts.allows(req.headers.host)) {
      socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    gateway.handleUpgrade(req, socket, head);
  });
  http.on('clientError', (_err, socket) => socket.destroy());
  // After listen, an 'error' on the server is an accept failure (ENOMEM, or EMFILE when libuv's
  // reserve descriptor trick could not help): a refused connection, never a reason to exit.
  const acceptErrors = new BurstLog(logger, 'error', 'accept_failed', undefined, clock);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      http.on('error', (err: NodeJS.ErrnoException) => acceptErrors.note(err.code ?? 'unknown', { code: err.code, err: err.message }));
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const tickLoop = new TickLoop(tickMs(config.rules), clock, () => {
    try {
      const t0 = clock.now();
      try {
        lobby.tick();
      } finally {
        // The tick's frames leave now, even if a recipient threw: held over to the next tick
        // they could land after control messages sent in between.
        stateWriter.flush();
      }
      serverMetrics.tick(clock.now() - t0);
    } catch (err) {
      logger.log('error', 'tick_failed', { err: err instanceof Error ? err.stack : String(err) });
    }
  });
  tickLoop.start();
  serverMetrics.start();
  gateway.start();
  // Positions go to the profiles every couple of seconds, so a crash loses little. A cluster node
  // checkpoints its worlds twice a second instead (and saves a profile's position as its player
  // leaves), so it does not write them twice.
  const flush = repeat(clock, config.positionFlushMs, () => {
    if (!cluster) lobby.flushPositions();
  });
  const idleWorlds = repeat(clock, 5000, () => local?.closeIdle());
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  socketUrl = socketUrlOf(config.publicUrl || `http://${hostForUrl}:${port}`);
  await cluster?.begin();
  logger.log('info', 'listening', { url: `http://${hostForUrl}:${port}`, db: config.postgresUrl ? 'postgres' : config.dbPath, tickRateHz: config.rules.tickRateHz, graceMs: config.graceMs, maxConnections: connections.maxConnections });

  let stopped = false;
  return {
    port,
    host: config.host,
    url: `http://${hostForUrl}:${port}`,
    get room(): Room {
      const r = lobby.rooms.get(firstWorld);
      if (!r) throw new Error(`world ${firstWorld} does not run on this node`);
      return r;
    },
    lobby,
    cluster,
    gateway,
    metrics: serverMetrics,
    connections,
    async stop(retryAfterMs = 1000) {
      if (stopped) return;
      stopped = true;
      // A cluster node hands its worlds to the other nodes first: their players move (moved)
      // instead of reconnecting to a server that is going away. Alone, it stops as usual.
      if (cluster) await cluster.drain().catch((err: unknown) => logger.log('error', 'drain_failed', { err: String(err) }));
      tickLoop.stop();
      serverMetrics.stop();
      flush.stop();
      idleWorlds.stop();
      clearInterval(daily);
      lobby.shutdown(retryAfterMs);
      await cluster?.close(retryAfterMs);
      passwordAttempts.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        // Give close frames a moment to leave, then cut whatever is still open.
        clock.setTimeout(() => {
          gateway.close();
          http.closeAllConnections();
        }, 200);
      });
      connections.close();
      acceptErrors.flush();
      await storage.close();
      await stateWriter.close();
      logger.log('info', 'stopped', {});
    },
  };
}

/** SQLite unless --postgres names a database (cluster nodes share one). */
async function openConfiguredStorage(config: ServerConfig, logger: Logger, clock: Clock): Promise<Storage> {
  if (!config.postgresUrl) return openSqliteStorage({ path: config.dbPath, chatHistoryLimit: config.chatHistoryLimit, clock });
  return openPostgresStorage({
    url: config.postgresUrl,
    chatHistoryLimit: config.chatHistoryLimit,
    onIdleError: (err) => logger.log('warn', 'postgres_idle_error', { err: err.message }),
  });
}

function isPostgresStorage(s: Storage): s is PostgresStorage {
  return 'pool' in s;
}
