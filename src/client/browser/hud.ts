/**
 * The connection indicator in the corner: live (with round-trip time), reconnecting (attempt n,
 * a countdown to the next try and a "Retry now" button) or stopped with the reason. Updated every
 * frame for the countdown, but the DOM is touched only when the text actually changes.
 */
import { CloseCode } from '../../shared/close-codes.js';
import type { LinkStatus } from '../core/connection.js';
import { el } from './dom.js';

export interface IndicatorSource {
  readonly status: LinkStatus;
  readonly rttMs: number;
  readonly netProfile: string | null;
  /** The world the player is in (shown so it can be shared as ?world=NAME). */
  readonly world?: string | undefined;
}

const STOP_REASONS: Readonly<Record<number, string>> = {
  [CloseCode.TakenOver]: 'This player was opened in another tab or device.',
  [CloseCode.VersionMismatch]: 'The server runs a different version. Reload the page.',
  [CloseCode.Unauthorized]: 'This server refused the session.',
  [CloseCode.Left]: 'You left the world.',
};

export class ConnectionIndicator {
  readonly root: HTMLElement;
  private readonly dot: HTMLElement;
  private readonly label: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly retry: HTMLButtonElement;
  private readonly rejoin: HTMLButtonElement;
  private readonly netBadge: HTMLElement;
  private readonly worldName: HTMLElement;
  private shown = '';

  constructor(onRetry: () => void, onRejoin: () => void) {
    this.dot = el('span', { className: 'dot' });
    this.label = el('span', { className: 'label', attrs: { id: 'net-label' } });
    this.detail = el('div', { className: 'detail', attrs: { id: 'net-detail' } });
    this.retry = el('button', { className: 'small', text: 'Retry now', attrs: { type: 'button', id: 'retry-now' } });
    this.rejoin = el('button', { className: 'small', text: 'Rejoin', attrs: { type: 'button', id: 'rejoin' } });
    this.netBadge = el('span', { className: 'net-badge hidden', attrs: { id: 'net-badge', title: 'Simulated network profile (F2)' } });
    this.worldName = el('div', { className: 'world-name hidden', attrs: { id: 'world-name', title: 'Your world: invite friends with ?world= and this name' } });
    this.retry.addEventListener('click', onRetry);
    this.rejoin.addEventListener('click', onRejoin);
    const head = el('div', { className: 'head' }, this.dot, this.label, this.netBadge);
    this.root = el('div', { className: 'indicator panel', attrs: { id: 'net-indicator', role: 'status', 'aria-live': 'polite' } }, head, this.worldName, this.detail, this.retry, this.rejoin);
  }

  update(src: IndicatorSource, nowMs: number): void {
    const s = src.status;
    let state: string;
    let label: string;
    let detail = '';
    switch (s.kind) {
      case 'live':
        state = 'live';
        label = src.rttMs > 0 ? `live · ${Math.round(src.rttMs)} ms` : 'live';
        break;
      case 'connecting':
        state = 'connecting';
        label = 'connecting…';
        break;
      case 'reconnecting': {
        state = 'reconnecting';
        if (s.lastCode === CloseCode.Moved && s.attempt === 0) {
          // Sent to the node that runs the world: a hand-over, not a failure.
          label = 'moving to the world’s server…';
          break;
        }
        label = `reconnecting · attempt ${s.attempt}`;
        detail = s.nextRetryAtMs === null ? 'trying now…' : `next try in ${Math.max(0, (s.nextRetryAtMs - nowMs) / 1000).toFixed(1)} s`;
        break;
      }
      case 'stopped':
        state = 'stopped';
        label = 'disconnected';
        detail = STOP_REASONS[s.code] ?? (s.reason || `connection closed (${s.code})`);
        break;
    }
    const profile = src.netProfile && src.netProfile !== 'ideal' ? src.netProfile : '';
    const world = src.world ?? '';
    const key = `${state}|${label}|${detail}|${profile}|${world}`;
    if (key === this.shown) return;
    this.shown = key;
    this.root.dataset['state'] = state;
    this.label.textContent = label;
    this.detail.textContent = detail;
    this.detail.classList.toggle('hidden', detail === '');
    this.retry.classList.toggle('hidden', state !== 'reconnecting');
    this.rejoin.classList.toggle('hidden', state !== 'stopped');
    this.netBadge.textContent = profile ? `net: ${profile}` : '';
    this.netBadge.classList.toggle('hidden', profile === '');
    this.worldName.textContent = world ? `world · ${world}` : '';
    this.worldName.classList.toggle('hidden', world === '');
  }
}
