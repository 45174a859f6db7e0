/**
 * What the page exposes as `window.__tether`: read-only handles for tests and curious players (the
 * console). Kept free of DOM types so the browser tests, which are Node code, can name it too.
 */
import type { TetherClient } from '../core/tether-client.js';

export interface PageHandle {
  readonly client: TetherClient | null;
  readonly inGame: boolean;
  /** Drawing the picture a reload restored (last-world.ts), not yet the live world. */
  readonly restored: boolean;
  readonly renderer: { readonly fps: number };
  readonly netProfile: string;
  /** The cluster's node URLs this page knows (GET /worlds; empty for a single server). */
  readonly clusterNodes: readonly string[];
}
