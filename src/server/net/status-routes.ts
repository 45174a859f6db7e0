/**
 * Operator endpoints: GET /metrics (Prometheus text), GET /status.json (what the status page
 * polls: history for the plots and the table of connected players) and GET /status (the page,
 * with its script and style as files so the Content-Security-Policy needs no inline code).
 * All of them need the admin token (admin-auth.ts). Players' addresses are in /status.json only
 * when asked for with `?ips=1`. Returns false for any other path so the static file handler can
 * take it.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../shared/clock.js';
import type { Lobby } from '../game/lobby.js';
import { ClientLink } from './client-link.js';
import type { ServerMetrics } from '../metrics.js';
import type { AdminAuth } from './admin-auth.js';
import type { ClusterStatus } from '../cluster/cluster-node.js';

const ASSETS: Record<string, { file: string; type: string }> = {
  '/status': { file: 'status-page.html', type: 'text/html; charset=utf-8' },
  '/status.html': { file: 'status-page.html', type: 'text/html; charset=utf-8' },
  '/status.js': { file: 'status-page.js', type: 'text/javascript; charset=utf-8' },
  '/status.css': { file: 'status-page.css', type: 'text/css; charset=utf-8' },
};
const assetCache = new Map<string, string>();

function asset(file: string): string {
  let text = assetCache.get(file);
  if (text === undefined) {
    text = readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), 'utf8');
    assetCache.set(file, text);
  }
  return text;
}

export function handleStatusRoute(
  req: IncomingMessage,
  res: ServerResponse,
  room: Lobby,
  metrics: ServerMetrics,
  auth: AdminAuth,
  clock: Clock,
  cluster: () => ClusterStatus | null = () => null,
): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://x');
  } catch {
    return false;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = url.pathname;
  if (path !== '/metrics' && path !== '/status.json' && !(path in ASSETS)) return false;
  const verdict = auth.check(req);
  if (verdict === 'no_token_configured') {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('The operator endpoints are off: start the server with --admin-token (or TETHER_ADMIN_TOKEN).\n');
    return true;
  }
  if (verdict === 'unauthorized') {
    res
      .writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'www-authenticate': ['Basic realm="tether admin", charset="UTF-8"', 'Bearer realm="tether admin"'] })
      .end('Send the admin token: Authorization: Bearer TOKEN, or as the password of Basic authentication.\n');
    return true;
  }
  switch (path) {
    case '/metrics':
      metrics.exposition().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
      return true;
    case '/status.json': {
      const windowS = Math.min(240, Math.max(1, Number(url.searchParams.get('window')) || 10));
      const withIps = url.searchParams.get('ips') === '1';
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(statusJson(room, metrics, windowS * 1000, clock, withIps, cluster())));
      return true;
    }
    default: {
      const a = ASSETS[path]!;
      res.writeHead(200, { 'content-type': a.type, 'cache-control': 'no-store' }).end(asset(a.file));
      return true;
    }
  }
}

export function statusJson(room: Lobby, metrics: ServerMetrics, windowMs: number, clock: Clock, withIps = false, cluster: ClusterStatus | null = null): unknown {
  const players = room.roster().map((p) => ({
    id: p.id,
    name: p.name,
    character: p.character,
    world: p.world,
    state: p.port ? 'live' : 'reconnecting',
    rttMs: p.port instanceof ClientLink ? p.port.rttMs : null,
    ...(withIps ? { address: p.port?.remoteAddress ?? null } : {}),
  }));
  return {
    now: clock.wallMs(),
    tick: Math.max(0, ...[...room.rooms.values()].map((r) => r.world.tick)),
    tickRateHz: [...room.rooms.values()][0]?.world.rules.tickRateHz ?? 0,
    worlds: [...room.rooms.values()].map((r) => ({ name: r.name, players: r.playerCount, inGrace: r.inGraceCount, capacity: r.capacity, tick: r.world.tick })),
    playersOnline: room.playerCount,
    inGrace: room.inGraceCount,
    tickMs: metrics.tickQuantiles(windowMs),
    eventLoopDelayMs: metrics.loopDelayQuantiles(windowMs),
    bytesOut: metrics.bytesOut(),
    state: room.stateStats,
    history: metrics.history,
    players,
    // A cluster node also shows the cluster: every live node, every running world and its owner.
    ...(cluster ? { cluster } : {}),
  };
}
