/**
 * GET /worlds: what the join screen lists — every world with its players and capacity — and the
 * public URLs of the cluster's nodes (empty in single-process mode), the only places a client
 * follows a `moved` to. Public like the page itself; nothing in it is about a person.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorldPlacement } from '../game/world-placement.js';

export function handleWorldsRoute(req: IncomingMessage, res: ServerResponse, placement: WorldPlacement, onError: (err: unknown) => void): boolean {
  if (req.url !== '/worlds' && !req.url?.startsWith('/worlds?')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed');
    return true;
  }
  Promise.all([placement.list(), placement.nodeUrls()]).then(
    ([worlds, nodes]) => {
      if (res.writableEnded) return;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : JSON.stringify({ worlds, nodes }));
    },
    (err: unknown) => {
      onError(err);
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1', 'cache-control': 'no-store' }).end('world list unavailable');
    },
  );
  return true;
}
