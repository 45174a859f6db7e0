/**
 * The offline shell's service worker, served as /sw.js (scope /). The build bundles this file on
 * its own and fills in the constants below with the deployment's content-hashed files.
 *
 * - Install: every file of this version (the page as its hashed copy, script, style, art) goes into
 *   one cache named after the version, all or nothing (addAll), so a version is never half there.
 * - Fetch: the page and its hashed files come from that cache first, without waiting for the
 *   network: a reload draws at once, also when the network is down or black-holed. Anything else
 *   (WebSocket, /healthz, /status) is not touched.
 * - Update: the browser re-checks /sw.js on navigation (no-cache + ETag, so ~200 bytes). A new
 *   version installs in the background, then takes over at the next load: the page on screen keeps
 *   running the version it booted with (it loads every file at start), the next load gets the new
 *   page with its own files. A page and files of two versions are never mixed, because each page
 *   only names hashed files and each version is served from its own cache.
 *
 * It runs in a ServiceWorkerGlobalScope; the project's TypeScript checks against the DOM library,
 * so the few worker APIs used here are declared locally.
 */

declare const __PRECACHE__: readonly string[];
declare const __PAGE__: string;
declare const __VERSION__: string;

interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly location: Location;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (ev: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (ev: FetchEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const CACHE_PREFIX = 'tether-';
const CACHE = `${CACHE_PREFIX}${__VERSION__}`;
const PRECACHED = new Set(__PRECACHE__);
/** Navigations that get the page; others (e.g. the operator's /status) go to the network. */
const PAGE_PATHS = new Set(['/', '/index.html']);

scope.addEventListener('install', (ev) => {
  // Hashed URLs never change content, so the HTTP cache may answer (no second download of what
  // the first load just fetched). skipWaiting: the new version is active for the next load even
  // while a tab of the old one stays open (a reload alone would otherwise never switch).
  ev.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...PRECACHED]))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', () => {
  // Not inside waitUntil: fetches wait for activation to finish, and Chromium was seen holding a
  // deletion (the registration stuck in "activating") while an older page still had the cache
  // open, so a reload would have waited on housekeeping. Old versions go in the background; a
  // cleanup cut short by the worker stopping is done again at the next activation.
  void caches
    .keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
    .catch(() => undefined);
});

scope.addEventListener('fetch', (ev) => {
  const req = ev.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.location.origin) return;
  if (req.mode === 'navigate' && PAGE_PATHS.has(url.pathname)) {
    ev.respondWith(fromCache(__PAGE__, req));
  } else if (PRECACHED.has(url.pathname)) {
    ev.respondWith(fromCache(url.pathname, req));
  }
});

/** This version's copy, else the network (a cache the browser evicted still works online). */
async function fromCache(path: string, req: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(path);
  return hit ?? fetch(req);
}
