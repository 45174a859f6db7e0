/**
 * The chat log (a scrollable panel everyone sees) and the chat box (Enter opens, Enter sends,
 * Esc cancels). Lines are built from text nodes only, never innerHTML: chat is untrusted input.
 * The sender's own line appears at once marked "sending…" and becomes a normal line when the
 * server echoes it back, or is marked "not sent" when it fails; nothing is silently lost.
 */
import type { ChatLine } from '../../shared/protocol.js';
import { el } from './dom.js';

const MAX_LINES = 200;

export interface ChatPanelOptions {
  /** Returns the new line's id, or a reason it was refused locally. */
  readonly send: (text: string) => { ok: true; id: string } | { ok: false; reason: string };
  readonly onOpenChange: (open: boolean) => void;
}

export class ChatPanel {
  readonly root: HTMLElement;
  private readonly log: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly form: HTMLFormElement;
  private readonly pending = new Map<string, HTMLElement>();
  private selfId: number | null = null;
  private selfName = 'You';

  constructor(private readonly opts: ChatPanelOptions) {
    this.log = el('div', { className: 'chat-log', attrs: { id: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Chat' } });
    this.input = el('input', { className: 'chat-input', attrs: { id: 'chat-input', type: 'text', maxlength: '400', autocomplete: 'off', placeholder: 'Say something… (Enter to send, Esc to cancel)', 'aria-label': 'Chat message' } });
    // The send button is for touch screens (shown by CSS under body.touch): an on-screen keyboard's
    // Enter key is not always there, and the button keeps the gesture that keeps the keyboard up.
    const send = el('button', { className: 'chat-send', text: 'Send', attrs: { id: 'chat-send', type: 'submit' } });
    this.form = el('form', { className: 'chat-form hidden' }, this.input, send);
    const hint = el('div', { className: 'chat-hint', text: 'Enter to chat' });
    this.root = el('div', { className: 'chat panel', attrs: { id: 'chat' } }, this.log, this.form, hint);
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        this.close();
      }
      ev.stopPropagation(); // typing never reaches the game keys
    });
    this.input.addEventListener('blur', (ev) => {
      // Tapping Send blurs the input first; the submit that follows closes the box.
      if (this.input.value === '' && ev.relatedTarget !== send) this.close();
    });
  }

  setSelf(id: number | null, name: string): void {
    this.selfId = id;
    this.selfName = name;
  }

  get isOpen(): boolean {
    return !this.form.classList.contains('hidden');
  }

  open(): void {
    this.form.classList.remove('hidden');
    this.root.classList.add('active');
    this.input.focus();
    this.opts.onOpenChange(true);
  }

  close(): void {
    this.input.value = '';
    this.form.classList.add('hidden');
    this.root.classList.remove('active');
    this.input.blur();
    this.opts.onOpenChange(false);
  }

  private submit(): void {
    const text = this.input.value;
    if (text.trim() === '') {
      this.close();
      return;
    }
    const result = this.opts.send(text);
    if (!result.ok) {
      this.note(result.reason === 'too_long' ? 'That message is too long.' : 'Nothing to send.', 'warn');
      return;
    }
    const line = this.lineElement(null, this.selfName, text.trim(), true);
    line.classList.add('pending');
    line.append(el('span', { className: 'status', text: 'sending…' }));
    this.pending.set(result.id, line);
    this.append(line);
    this.close();
  }

  /** A line from the room (the sender's own echo included). */
  add(line: ChatLine): void {
    const mine = line.echo !== undefined ? this.pending.get(line.echo) : undefined;
    const fresh = this.lineElement(line.atMs, line.name, line.text, line.from === this.selfId);
    if (mine && line.echo !== undefined) {
      this.pending.delete(line.echo);
      mine.replaceWith(fresh);
      return;
    }
    this.append(fresh);
  }

  /** The server refused one of our lines (slow_down, …), or it could not be sent at all. */
  markFailed(id: string, why: string): void {
    const line = this.pending.get(id);
    if (!line) return;
    this.pending.delete(id);
    line.classList.remove('pending');
    line.classList.add('failed');
    const status = line.querySelector('.status');
    if (status) status.textContent = `not sent: ${why}`;
  }

  /** Lines still waiting for their echo; the caller fails those the client gave up on. */
  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** A system note in the log (slow down, connection events). */
  note(text: string, kind: 'info' | 'warn' = 'info'): void {
    this.append(el('div', { className: `line note ${kind}`, text }));
  }

  private lineElement(atMs: number | null, name: string, text: string, self: boolean): HTMLElement {
    const parts: Node[] = [];
    if (atMs !== null) {
      const d = new Date(atMs);
      parts.push(el('span', { className: 'time', text: `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}` }));
    }
    parts.push(el('span', { className: self ? 'who self' : 'who', text: name }), el('span', { className: 'text', text }));
    return el('div', { className: 'line' }, ...parts);
  }

  private append(node: HTMLElement): void {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(node);
    while (this.log.childElementCount > MAX_LINES) this.log.firstElementChild?.remove();
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }
}
