/**
 * Test support for the real-browser tests: builds the client bundle from the current source, starts
 * a real Tether server serving it (ephemeral port, temp SQLite file), and launches the system's
 * Debian Chromium through playwright-core. No browser is ever downloaded: a missing Chromium is a
 * clear failure, not a skip.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildClient } from '../../scripts/build-client.js';
import type { ServerConfig } from '../../src/server/config.js';
import { startFixture, type Fixture } from './server-fixture.js';
import type { PageWindow } from './page-globals.js';

// The page's globals, for the callbacks that run in Chromium (see page-globals.ts).
declare const window: PageWindow;

export const CHROMIUM_PATH = process.env['TETHER_CHROMIUM'] ?? '/usr/bin/chromium';
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // Background pages must keep their timers and animation frames running like a visible tab
  // would, or a page the test is not looking at stops sending.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

let built: Promise<string> | null = null;

/** Debian's Chromium through playwright-core, with the flags every browser test uses. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install Debian's chromium and fonts-wqy-microhei (apt-get install chromium fonts-wqy-microhei); the browser tests never download a browser.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * Builds the client once per test process into its own temp folder (test files run in parallel)
 * and returns that folder: readable (not minified), but hashed and precompressed like production,
 * so the tests go through the same serving path.
 */
export function ensureClientBuilt(): Promise<string> {
  built ??= (async () => {
    const outDir = join(mkdtempSync(join(tmpdir(), 'tether-client-')), 'public');
    process.once('exit', () => rmSync(dirname(outDir), { recursive: true, force: true }));
    return (await buildClient({ outDir })).outDir;
  })();
  return built;
}

export interface PlayerPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught page errors and console errors, checked by tests that want a clean run. */
  readonly errors: string[];
}

export interface BrowserFixture {
  readonly server: Fixture;
  readonly browser: Browser;
  /** http://127.0.0.1:<port>/ */
  readonly baseUrl: string;
  /** A page in its own browser context: its own storage and network, like a separate browser. `device`: e.g. playwright-core's devices['Pixel 7']. */
  newPlayer(path?: string, device?: BrowserContextOptions): Promise<PlayerPage>;
  /** Another tab of the same browser context (shared localStorage). */
  newTab(of: PlayerPage, path?: string): Promise<PlayerPage>;
  close(): Promise<void>;
}

export async function startBrowserFixture(overrides: Partial<ServerConfig> = {}): Promise<BrowserFixture> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install Debian's chromium and fonts-wqy-microhei (apt-get install chromium fonts-wqy-microhei); the browser tests never download a browser.`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const publicDir = await ensureClientBuilt();
  const server = await startFixture({ publicDir, ...overrides });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (err) {
    await server.close();
    throw err;
  }
  const baseUrl = `http://127.0.0.1:${server.server.port}/`;
  const contexts: BrowserContext[] = [];

  const watch = (page: Page): string[] => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    return errors;
  };

  const fixture: BrowserFixture = {
    server,
    browser,
    baseUrl,
    async newPlayer(path = '', device) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN', ...device });
      contexts.push(context);
      const page = await context.newPage();
      const errors = watch(page);
      await page.goto(new URL(path, baseUrl).href);
      return { page, context, errors };
    },
    async newTab(of, path = '') {
      const page = await of.context.newPage();
      const errors = watch(page);
      await page.goto(new URL(path, baseUrl).href);
      return { page, context: of.context, errors };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.close();
    },
  };
  return fixture;
}

/** Fills in the join screen and waits until the page is in the world. */
export async function joinAs(player: PlayerPage, name: string, character = 0): Promise<{ id: number; name: string }> {
  const { page } = player;
  await page.locator('#join-name').fill(name);
  await page.locator(`#join-characters [data-character="${character}"]`).click();
  await page.locator('#join-button').click();
  await page.waitForFunction(() => window.__tether?.inGame === true && window.__tether.client?.status.kind === 'live', undefined, { timeout: 10_000 });
  return selfOf(page);
}

export async function selfOf(page: Page): Promise<{ id: number; name: string }> {
  return page.evaluate(() => {
    const c = window.__tether?.client;
    const me = c?.self;
    if (!c || !me) throw new Error('not joined');
    return { id: me.info.id, name: me.info.name };
  });
}
