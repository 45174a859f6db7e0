/**
 * The page's globals as the code inside `page.evaluate` / `waitForFunction` callbacks uses them.
 *
 * Why: those callbacks run in Chromium, but the tests around them are Node code, compiled without
 * DOM types (tsconfig.json). A browser test declares the globals it touches with these types,
 * e.g. `declare const window: PageWindow;` — a declaration emits nothing, so inside the callback
 * `window` is the page's own. Only what the tests touch is described here.
 */
import type { PageHandle } from '../../src/client/browser/page-handle.js';

export interface PageWindow {
  readonly __tether?: PageHandle;
  /** Set by an injected script if the XSS test's payloads ever ran. */
  __pwned?: number;
}

export interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}

export interface PageDocument {
  readonly body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}

export interface PageCanvas extends PageElement {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: Uint8ClampedArray } } | null;
}

export type PageComputedStyle = (element: PageElement) => { readonly display: string };
