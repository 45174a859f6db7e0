/**
 * The join screen: a name (prefilled with the last one used, or a suggestion like "葬爱·3F9A"),
 * one of six characters shown as previews drawn from their sprite sheets, a world (quick join,
 * or one of the listed worlds with how full it is; an invite link picks it), and a Join button.
 * Client-side name problems and the server's refusals (invalid, taken, wrong password) are shown
 * inline under the name field. The character picker is a radio group: click, or arrow keys.
 */
import { CHARACTER_COUNT } from '../../shared/limits.js';
import { checkName } from '../../shared/names.js';
import { drawFrame, frameColumn, FRAME, type Assets } from './assets.js';
import { el } from './dom.js';

export function suggestName(random: () => number = Math.random): string {
  const hex = Math.floor(random() * 0x10000).toString(16).toUpperCase().padStart(4, '0');
  return `葬爱·${hex}`;
}

export interface JoinChoice {
  readonly name: string;
  readonly character: number;
  /** Absent: a quick join (the server picks a world with room). */
  readonly world?: string;
}

export interface WorldEntry {
  readonly name: string;
  readonly players: number;
  readonly capacity: number;
}

const QUICK = '';

export class JoinScreen {
  readonly root: HTMLElement;
  private readonly nameInput: HTMLInputElement;
  private readonly error: HTMLElement;
  private readonly status: HTMLElement;
  private readonly button: HTMLButtonElement;
  private readonly previews: Array<{ button: HTMLButtonElement; ctx: CanvasRenderingContext2D | null }> = [];
  private readonly worldSelect: HTMLSelectElement;
  private character: number;
  private timer: number | null = null;
  /** The world chosen (QUICK: a quick join); kept while the list is refreshed. */
  private world: string;

  constructor(
    private readonly assets: Assets,
    initial: JoinChoice,
    private readonly onJoin: (choice: JoinChoice) => void,
  ) {
    this.character = Math.min(Math.max(0, initial.character), CHARACTER_COUNT - 1);
    this.world = initial.world ?? QUICK;
    this.worldSelect = el('select', { attrs: { id: 'join-world', 'aria-label': 'World' } });
    this.worldSelect.addEventListener('change', () => (this.world = this.worldSelect.value));
    this.setWorlds([]);
    this.nameInput = el('input', { attrs: { id: 'join-name', type: 'text', maxlength: '64', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'join-error' } });
    this.nameInput.value = initial.name;
    this.error = el('div', { className: 'error', attrs: { id: 'join-error', role: 'alert', 'aria-live': 'assertive' } });
    this.status = el('div', { className: 'status', attrs: { id: 'join-status' } });
    this.button = el('button', { className: 'primary', text: 'Join', attrs: { id: 'join-button', type: 'submit' } });
    const picker = el('div', { className: 'characters', attrs: { role: 'radiogroup', 'aria-label': 'Character', id: 'join-characters' } });
    for (let i = 0; i < CHARACTER_COUNT; i++) {
      const canvas = el('canvas', { attrs: { width: String(FRAME), height: String(FRAME) } });
      const button = el('button', { className: 'character', attrs: { type: 'button', role: 'radio', 'aria-label': `Character ${i + 1}`, 'data-character': String(i) } }, canvas);
      button.addEventListener('click', () => this.select(i, false));
      button.addEventListener('keydown', (ev) => this.pickerKey(ev));
      picker.append(button);
      const ctx = canvas.getContext('2d');
      if (ctx) ctx.imageSmoothingEnabled = false;
      this.previews.push({ button, ctx });
    }
    const form = el(
      'form',
      { className: 'join panel', attrs: { id: 'join-form', 'aria-label': 'Join the world' } },
      el('h1', { text: 'Tether' }),
      el('p', { className: 'tagline', text: 'A little world that keeps playing through bad networks.' }),
      el('label', { text: 'Your name', attrs: { for: 'join-name' } }),
      this.nameInput,
      this.error,
      el('div', { className: 'label', text: 'Choose a character' }),
      picker,
      el('label', { text: 'World', attrs: { for: 'join-world' } }),
      this.worldSelect,
      this.button,
      this.status,
      el('p', { className: 'keys keys-desktop', text: 'Arrows / WASD to walk · Enter to chat · F3 debug · F2 network' }),
      el('p', { className: 'keys keys-touch', text: 'Drag on the world to walk · 💬 to chat' }),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.nameInput.addEventListener('input', () => this.showError(''));
    this.root = el('div', { className: 'join-screen', attrs: { id: 'join-screen' } }, form);
    this.select(this.character, false);
  }

  show(): void {
    this.root.classList.remove('hidden');
    this.setBusy(false);
    this.timer ??= window.setInterval(() => this.drawPreviews(), 1000 / 8);
    this.drawPreviews();
    this.nameInput.focus();
    this.nameInput.select();
  }

  hide(): void {
    this.root.classList.add('hidden');
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
  }

  showError(message: string): void {
    this.error.textContent = message;
    this.nameInput.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  /** The worlds the server lists; the chosen one stays chosen (an invited one is kept if unlisted). */
  setWorlds(worlds: readonly WorldEntry[]): void {
    const options: HTMLOptionElement[] = [el('option', { text: 'Quick join: any world with room', attrs: { value: QUICK } })];
    for (const w of worlds) {
      const full = w.players >= w.capacity;
      options.push(el('option', { text: `${w.name} · ${w.players}/${w.capacity}${full ? ' · full' : ''}`, attrs: { value: w.name } }));
    }
    if (this.world !== QUICK && !worlds.some((w) => w.name === this.world)) {
      options.push(el('option', { text: `${this.world} · invited`, attrs: { value: this.world } }));
    }
    this.worldSelect.replaceChildren(...options);
    this.worldSelect.value = this.world;
  }

  setStatus(message: string): void {
    this.status.textContent = message;
  }

  setBusy(busy: boolean): void {
    this.button.disabled = busy;
    this.button.textContent = busy ? 'Joining…' : 'Join';
    if (!busy) this.setStatus('');
  }

  private submit(): void {
    const checked = checkName(this.nameInput.value);
    if (!checked.ok) {
      this.showError(checked.reason);
      this.nameInput.focus();
      return;
    }
    this.showError('');
    this.setBusy(true);
    this.onJoin({ name: checked.name, character: this.character, ...(this.world !== QUICK ? { world: this.world } : {}) });
  }

  private select(i: number, focus: boolean): void {
    this.character = i;
    this.previews.forEach((p, j) => {
      p.button.setAttribute('aria-checked', String(j === i));
      p.button.tabIndex = j === i ? 0 : -1;
      p.button.classList.toggle('selected', j === i);
    });
    if (focus) this.previews[i]?.button.focus();
    this.drawPreviews();
  }

  private pickerKey(ev: KeyboardEvent): void {
    const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    ev.preventDefault();
    this.select((this.character + step + CHARACTER_COUNT) % CHARACTER_COUNT, true);
  }

  /** Idle front frame for each; the selected character walks on the spot. */
  private drawPreviews(): void {
    const now = performance.now();
    this.previews.forEach((p, i) => {
      if (!p.ctx) return;
      p.ctx.clearRect(0, 0, FRAME, FRAME);
      drawFrame(p.ctx, this.assets, i, 0, frameColumn(i === this.character, now), 0, 0, FRAME);
    });
  }
}
