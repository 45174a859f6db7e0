/**
 * F3 (or `) debug overlay: the numbers that explain how the game feels on this link. Refreshed a
 * few times a second; it only reads the client.
 */
import type { TetherClient } from '../core/tether-client.js';
import { el } from './dom.js';

export class DebugOverlay {
  readonly root: HTMLElement;
  private lastMs = 0;
  private lastBytes = { in: 0, out: 0, atMs: 0 };
  private rate = { in: 0, out: 0 };

  constructor() {
    this.root = el('pre', { className: 'debug panel hidden', attrs: { id: 'debug-overlay', 'aria-label': 'Debug overlay' } });
  }

  get visible(): boolean {
    return !this.root.classList.contains('hidden');
  }

  toggle(): void {
    this.root.classList.toggle('hidden');
  }

  update(client: TetherClient | null, nowMs: number, fps: number, netProfile: string | null): void {
    if (!this.visible || nowMs - this.lastMs < 250) return;
    this.lastMs = nowMs;
    if (!client) {
      this.root.textContent = 'not joined';
      return;
    }
    const dt = (nowMs - this.lastBytes.atMs) / 1000;
    if (dt >= 1) {
      this.rate = { in: (client.bytesIn - this.lastBytes.in) / dt, out: (client.bytesOut - this.lastBytes.out) / dt };
      this.lastBytes = { in: client.bytesIn, out: client.bytesOut, atMs: nowMs };
    }
    const clock = client.serverClock;
    const p = client.predictor;
    const view = client.view.frame(nowMs);
    const kb = (n: number): string => (n / 1024).toFixed(1);
    const lines = [
      `status      ${client.status.kind}`,
      `rtt         ${clock.rttMs.toFixed(0)} ms`,
      `jitter      ${clock.jitterMs.toFixed(1)} ms`,
      `playback    ${client.playbackDelayMs.toFixed(0)} ms behind (target ${view.targetDelayMs.toFixed(0)})`,
      `pending     ${p ? p.pending.length : 0} inputs`,
      `correction  ${p ? p.lastCorrectionPx.toFixed(2) : '0'} px (smoothing ${view.ownSmoothingPx.toFixed(1)})`,
      `players     ${client.players.size}`,
      `bytes in    ${kb(client.bytesIn)} KiB (${kb(this.rate.in)} KiB/s)`,
      `bytes out   ${kb(client.bytesOut)} KiB (${kb(this.rate.out)} KiB/s)`,
      `sockets     ${client.connection.socketsOpened} opened, ${client.resumes} resumes, ${client.rejoins} rejoins`,
      `fps         ${fps.toFixed(0)}`,
      `net         ${netProfile ?? 'direct'}`,
    ];
    this.root.textContent = lines.join('\n');
  }
}
