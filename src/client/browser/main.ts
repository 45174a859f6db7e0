/**
 * The browser client's composition root: loads the art, shows the join screen, and once joined
 * runs the game: a requestAnimationFrame loop that advances the client and draws, never waiting
 * for the network. Everything else (chat, HUD, overlays) is wired here and lives in its own file.
 */
import { CHARACTER_COUNT } from '../../shared/limits.js';
import { systemClock } from '../../shared/system-clock.js';
import { DEFAULT_RULES } from '../../shared/world-rules.js';
import { TetherClient } from '../core/tether-client.js';
import { accountTokenFor, lastJoin, saveAccountToken, saveLastJoin, saveTabJoin, tabJoin } from './account-store.js';
import { loadAssets } from './assets.js';
import { defaultSocketUrl } from './browser-transport.js';
import { Bubbles } from './bubbles.js';
import { ChatPanel } from './chat-panel.js';
import { DebugOverlay } from './debug-overlay.js';
import { el, isTyping } from './dom.js';
import { ConnectionIndicator } from './hud.js';
import { combineDirs, KeyboardInput } from './input.js';
import { JoinScreen, suggestName, type JoinChoice } from './join-screen.js';
import { clearLastWorld, loadLastWorld, saveLastWorld, type LastWorld } from './last-world.js';
import { NetPanel } from './net-panel.js';
import type { PageHandle } from './page-handle.js';
import { setupNetwork } from './net-sim.js';
import { watchPageLifecycle } from './page-lifecycle.js';
import { Renderer } from './renderer.js';
import { buildScene, type Scene } from './scene.js';
import { TouchJoystick } from './touch-joystick.js';
import { TouchLayout } from './touch-layout.js';
import { WorldListSource } from './world-list.js';
import { normalizeWorldName } from '../../shared/world-names.js';
import type { LinkStatus } from '../core/connection.js';

/** A chat line older than this (history replayed on join) goes to the log but gets no bubble. */
const BUBBLE_MAX_AGE_MS = 15_000;
/** How often the picture a reload starts from (last-world.ts) is refreshed while live. */
const SAVE_WORLD_EVERY_MS = 1000;

declare global {
  interface Window {
    __tether?: PageHandle;
  }
}

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const net = setupNetwork(params);
  const canvas = document.getElementById('game');
  const ui = document.getElementById('ui');
  if (!(canvas instanceof HTMLCanvasElement) || !ui) throw new Error('index.html is missing #game or #ui');
  const assets = await loadAssets();
  const renderer = new Renderer(canvas, assets);
  renderer.setWorld(DEFAULT_RULES.widthUnits, DEFAULT_RULES.heightUnits);
  const bubbles = new Bubbles();
  let client: TetherClient | null = null;
  let inGame = false;
  /** The current client has had its welcome (until then a refusal sends the player back to the join screen). */
  let welcomed = false;
  /** The picture a reload restored, drawn until the server's welcome replaces it. */
  let restored: LastWorld | null = null;
  let lastWorldSavedAt = -Infinity;

  const toast = el('div', { className: 'toast hidden', attrs: { id: 'toast', role: 'status' } });
  let toastTimer = 0;
  const showToast = (text: string): void => {
    toast.textContent = text;
    toast.classList.remove('hidden');
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => toast.classList.add('hidden'), 2500);
  };

  // Keys and the touch joystick hold directions together.
  const heldChanged = (): void => client?.setHeldDirs(combineDirs(input.dirs, joystick.dirs));
  const input = new KeyboardInput(heldChanged);
  const joystick = new TouchJoystick(canvas, heldChanged);
  const chat = new ChatPanel({
    send: (text) => (client ? client.say(text) : { ok: false, reason: 'empty' }),
    onOpenChange: (open) => {
      input.enabled = !open;
      joystick.enabled = !open;
      if (open) {
        input.clear();
        joystick.release();
      }
    },
  });
  const touch = new TouchLayout(() => chat.open());
  const hud = new ConnectionIndicator(
    () => client?.retryNow(),
    () => location.reload(),
  );
  const debug = new DebugOverlay();
  const netPanel = new NetPanel(net.network, (p) => chat.note(`Network profile for this tab: ${p}`), net.warning, net.seed);
  const last = lastJoin();
  // An invite link (?world=NAME) picks the world; otherwise the join screen offers a quick join.
  const invited = normalizeWorldName(params.get('world') ?? '') ?? undefined;
  const initial = last ?? { name: suggestName(), character: Math.floor(Math.random() * CHARACTER_COUNT) };
  const join = new JoinScreen(assets, { name: initial.name, character: initial.character, ...(invited ? { world: invited } : {}) }, (choice) => startClient(choice));
  // The list is fetched while the join screen shows (and when a move names a node not known yet);
  // a reload straight back into the world does without it: a cluster lists its nodes in the welcome.
  const worldList = new WorldListSource((list) => join.setWorlds(list.worlds));
  const rejoining = tabJoin() !== null;
  if (!rejoining) void worldList.refresh();
  window.setInterval(() => {
    if (!inGame && !join.root.classList.contains('hidden') && client === null) void worldList.refresh();
  }, 5000);
  const hudLayer = el('div', { className: 'hud hidden', attrs: { id: 'hud' } }, hud.root, chat.root, debug.root, toast, touch.chatButton, joystick.root);
  ui.append(hudLayer, netPanel.root, join.root);
  join.show();
  if (net.warning) join.setStatus(net.warning);
  // A reload of a tab that was playing goes straight back in as the same player.
  const rejoin = tabJoin();
  if (rejoin) {
    join.setBusy(true);
    join.setStatus('Rejoining…');
    // Drawn at once from what this tab last saw, network or not (the page itself may come from the
    // service worker's cache); the welcome replaces it with the live world.
    restored = loadLastWorld(rejoin.name);
    if (restored) {
      renderer.setWorld(restored.widthUnits, restored.heightUnits);
      enterGame();
    }
    startClient(rejoin);
  }

  function enterGame(): void {
    inGame = true;
    join.hide();
    hudLayer.classList.remove('hidden');
    canvas?.focus();
  }

  /** A restored picture whose player the server then refused: back to the join screen. */
  function leaveRestoredGame(): void {
    inGame = false;
    restored = null;
    clearLastWorld();
    hudLayer.classList.add('hidden');
    join.show();
  }

  function startClient(choice: JoinChoice): void {
    client?.dispose();
    const home = defaultSocketUrl();
    const c = new TetherClient({
      url: home,
      world: choice.world,
      // A cluster sends a player to the node that runs its world: only to nodes it lists.
      mayMoveTo: (url) => url === home || worldList.knows(url),
      fallbackUrls: () => worldList.current.nodes,
      transport: net.factory,
      clock: systemClock,
      name: choice.name,
      character: choice.character,
      accountToken: accountTokenFor(choice.name),
    });
    client = c;
    welcomed = false;
    const mine = (): boolean => client === c;
    c.on('account', (name, token) => {
      saveAccountToken(name, token);
      if (name !== choice.name) saveAccountToken(choice.name, token);
    });
    c.on('welcome', (w) => {
      if (!mine()) return;
      welcomed = true;
      restored = null;
      checkForNewVersion();
      // A reload comes back into the same world; the join screen offers it next time.
      const joined = { name: choice.name, character: choice.character, ...(w.world !== undefined ? { world: w.world } : {}) };
      saveLastJoin(joined);
      saveTabJoin(joined);
      chat.setSelf(w.you.id, w.you.name);
      renderer.setWorld(w.rules.widthUnits, w.rules.heightUnits);
      if (!inGame) enterGame();
    });
    c.on('refused', (_code, message) => {
      if (!mine()) return;
      if (!welcomed) {
        if (inGame) leaveRestoredGame();
        c.dispose();
        client = null;
        saveTabJoin(null);
        join.setBusy(false);
        join.showError(message);
      } else {
        chat.note(message, 'warn');
      }
    });
    c.on('status', (s) => {
      if (!mine()) return;
      if (!welcomed && s.kind === 'reconnecting') join.setStatus(`Cannot reach the server yet; retrying (attempt ${s.attempt})…`);
      if (s.kind === 'stopped') for (const id of chat.pendingIds()) chat.markFailed(id, 'disconnected');
      // The tab title tells a player in another tab that this one lost its link.
      document.title = s.kind === 'reconnecting' ? 'Tether · reconnecting…' : s.kind === 'stopped' ? 'Tether · disconnected' : 'Tether';
    });
    c.on('chat', (line) => {
      if (!mine()) return;
      chat.add(line);
      if (Math.abs(Date.now() - line.atMs) < BUBBLE_MAX_AGE_MS) bubbles.add(line.from, line.text, performance.now());
    });
    c.on('chatRejected', (id, reason, retryAfterMs) => {
      if (!mine()) return;
      if (reason === 'slow_down') {
        const wait = retryAfterMs ? ` Try again in ${Math.ceil(retryAfterMs / 1000)} s.` : '';
        chat.markFailed(id, 'slow down');
        chat.note(`Slow down! You are sending messages too fast.${wait}`, 'warn');
        showToast('Slow down!');
      } else {
        chat.markFailed(id, reason.replace('_', ' '));
      }
    });
    c.on('joined', (p) => mine() && inGame && p.id !== c.selfId && chat.note(`${p.name} joined`));
    c.on('left', (id, reason) => {
      if (!mine()) return;
      bubbles.forget(id);
      if (reason === 'grace_expired') chat.note('A player lost their connection and left.');
    });
    c.start();
  }

  // Game keys that are not movement. Typing in a field never triggers them.
  window.addEventListener('keydown', (ev) => {
    if (ev.key === 'F3' || (ev.code === 'Backquote' && !isTyping(ev.target))) {
      ev.preventDefault();
      debug.toggle();
      return;
    }
    if (ev.key === 'F2' || (ev.code === 'KeyN' && !isTyping(ev.target) && inGame)) {
      ev.preventDefault();
      netPanel.toggle();
      return;
    }
    if (ev.key === 'Enter' && inGame && !isTyping(ev.target) && !chat.isOpen) {
      ev.preventDefault();
      chat.open();
    }
  });

  // The browser knows things the socket does not: react at once instead of waiting for a timer.
  window.addEventListener('online', () => client?.retryNow());
  watchPageLifecycle({
    away: () => {
      input.clear();
      joystick.release();
    },
    back: () => client?.checkLink(),
  });
  // A tab closed or navigated away on purpose leaves at once; others do not wait out the grace.
  window.addEventListener('pagehide', () => {
    saveWorld(performance.now(), true);
    client?.leave();
  });
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) location.reload(); // restored from the back/forward cache after leaving
  });

  window.__tether = {
    get client() {
      return client;
    },
    get inGame() {
      return inGame;
    },
    get restored() {
      return restored !== null;
    },
    renderer,
    get netProfile() {
      return net.network.profileName;
    },
    get clusterNodes() {
      return [...new Set([...(client?.clusterNodes ?? []), ...worldList.current.nodes])];
    },
  };

  /** Keeps the picture a reload starts from; only while live, so it is what the server last said. */
  function saveWorld(now: number, force = false): void {
    const c = client;
    if (!c || !welcomed || c.status.kind !== 'live' || !c.self || !c.rules) return;
    if (!force && now - lastWorldSavedAt < SAVE_WORLD_EVERY_MS) return;
    lastWorldSavedAt = now;
    const scene = buildScene(c, now);
    if (!scene.focus) return;
    saveLastWorld({ name: c.self.info.name, widthUnits: c.rules.widthUnits, heightUnits: c.rules.heightUnits, sprites: scene.sprites, focus: scene.focus, savedAtMs: Date.now() });
  }

  /** A restored page has not reached the server yet: to the player that is reconnecting. */
  const shownStatus = (s: LinkStatus): LinkStatus =>
    restored && s.kind === 'connecting' ? { kind: 'reconnecting', attempt: s.attempt + 1, nextRetryAtMs: null, lastCode: 0, lastReason: '' } : s;

  const frame = (): void => {
    const now = performance.now();
    let scene: Scene = { sprites: [], focus: null };
    if (client && inGame) {
      client.advance(now); // input first: it becomes this frame's tick
      scene = restored && !welcomed ? { sprites: [...restored.sprites], focus: restored.focus } : buildScene(client, now);
    }
    renderer.draw(now, scene.sprites, scene.focus, bubbles);
    saveWorld(now);
    if (client) hud.update({ status: shownStatus(client.status), rttMs: client.serverClock.rttMs, netProfile: net.network.profileName, world: client.world }, now);
    debug.update(client, now, renderer.fps, net.network.profileName);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  registerOfflineShell();
}

/**
 * The service worker (service-worker.ts, built as /sw.js) keeps this page and its files for the
 * next load. Registered after the page has loaded so its install never competes with the first
 * load for bandwidth; a build without one (or a browser without the API) just loads from the network.
 */
let versionChecked = false;

/**
 * Once per load, when the server has answered (so the network works): asks the browser to look
 * for a new deployment now instead of whenever it next checks; a new version installs in the
 * background and takes over at the next load.
 */
function checkForNewVersion(): void {
  if (versionChecked || !('serviceWorker' in navigator)) return;
  versionChecked = true;
  navigator.serviceWorker
    .getRegistration()
    .then((reg) => reg?.update())
    .catch(() => {});
}

function registerOfflineShell(): void {
  if (!('serviceWorker' in navigator)) return;
  const register = (): void => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => console.warn('offline shell unavailable:', err));
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

boot().catch((err: unknown) => {
  console.error(err);
  const box = document.createElement('div');
  box.className = 'fatal';
  box.textContent = `Tether could not start: ${err instanceof Error ? err.message : String(err)}`;
  document.body.append(box);
});
