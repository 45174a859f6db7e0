/**
 * Waits for server-side state that has no event to await (a world body, a queue, a counter):
 * resolves when `ok()` holds, checked every 10 ms; rejects after `ms` naming what it waited for.
 */
export function pollUntil(ok: () => boolean, what: string, ms = 5000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = setInterval(() => {
      if (ok()) {
        clearInterval(check);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(check);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 10);
  });
}
