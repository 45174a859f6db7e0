/**
 * A phone puts a tab in the background and back all the time: the tab is hidden, its timers are
 * throttled, then it is frozen (no JavaScript at all) until the player returns. The socket may
 * have died meanwhile without the page hearing of it. This turns the browser's signals into two
 * calls: `away` (hidden, frozen, window blurred: let go of every held key and the joystick, so no
 * input of a key held when the player left is ever sent) and `back` (shown, resumed, restored:
 * check the link at once instead of waiting for the next watchdog tick).
 */
export interface PageLifecycleHandlers {
  readonly away: () => void;
  readonly back: () => void;
}

export function watchPageLifecycle(h: PageLifecycleHandlers): void {
  document.addEventListener('visibilitychange', () => (document.visibilityState === 'hidden' ? h.away() : h.back()));
  // Page Lifecycle API (Chromium): frozen tabs get `freeze` before and `resume` after.
  document.addEventListener('freeze', h.away);
  document.addEventListener('resume', h.back);
  window.addEventListener('blur', h.away);
  window.addEventListener('focus', h.back);
  window.addEventListener('pageshow', h.back);
}
