/**
 * F2 / N: the network panel of a weak tab. Shows the active simulated profile with its summary,
 * switches it live, and offers the two faults people most want to try by hand: drop the
 * connection now, and a black hole (the socket stays open, nothing moves).
 */
import { describeProfile, getProfile, PROFILE_NAMES } from '../../shared/netsim-profiles.js';
import type { SimulatedNetwork } from '../core/simulated-transport.js';
import { el } from './dom.js';

export class NetPanel {
  readonly root: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly summary: HTMLElement;
  private readonly holeButton: HTMLButtonElement;
  private hole = false;

  constructor(
    private readonly network: SimulatedNetwork,
    private readonly onChange: (profile: string) => void,
    warning: string | null,
    seed: number,
  ) {
    this.select = el('select', { attrs: { id: 'net-profile', 'aria-label': 'Network profile' } });
    for (const name of PROFILE_NAMES) {
      const found = getProfile(name);
      const option = el('option', { text: found.ok ? `${name} (${found.profile.id}) · ${found.profile.summary}` : name, attrs: { value: name } });
      this.select.append(option);
    }
    this.select.value = network.profileName;
    this.summary = el('div', { className: 'summary', attrs: { id: 'net-summary' } });
    const drop = el('button', { className: 'small', text: 'Drop connection now', attrs: { type: 'button' } });
    this.holeButton = el('button', { className: 'small', text: 'Black hole: off', attrs: { type: 'button', 'aria-pressed': 'false' } });
    drop.addEventListener('click', () => network.dropAll());
    this.holeButton.addEventListener('click', () => this.setBlackhole(!this.hole));
    this.select.addEventListener('change', () => this.switchTo(this.select.value));
    this.select.addEventListener('keydown', (ev) => ev.stopPropagation());
    const title = el('div', { className: 'title', text: 'Network simulator · this tab only' });
    const children: Node[] = [title, this.select, this.summary, el('div', { className: 'row' }, drop, this.holeButton)];
    if (warning) children.push(el('div', { className: 'warn', text: warning }));
    children.push(el('div', { className: 'hint', text: `seed ${seed} (add &seed=${seed} to replay) · F2 or N to close` }));
    this.root = el('div', { className: 'net-panel panel hidden', attrs: { id: 'net-panel' } }, ...children);
    this.refresh();
  }

  toggle(): void {
    this.root.classList.toggle('hidden');
  }

  switchTo(name: string): void {
    const error = this.network.setProfile(name);
    if (error) {
      this.summary.textContent = error;
      return;
    }
    this.select.value = name;
    const url = new URL(location.href);
    if (name === 'ideal') url.searchParams.delete('net');
    else url.searchParams.set('net', name);
    history.replaceState(null, '', url);
    this.refresh();
    this.onChange(name);
  }

  private setBlackhole(on: boolean): void {
    this.hole = on;
    this.network.blackhole(on);
    this.holeButton.textContent = `Black hole: ${on ? 'ON' : 'off'}`;
    this.holeButton.setAttribute('aria-pressed', String(on));
    this.holeButton.classList.toggle('on', on);
  }

  private refresh(): void {
    const found = getProfile(this.network.profileName);
    this.summary.textContent = found.ok ? describeProfile(found.profile) : this.network.profileName;
  }
}
