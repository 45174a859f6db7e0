/**
 * What a touch screen needs besides the joystick: a chat button (there is no Enter key until the
 * on-screen keyboard is open; tapping it focuses the chat box, which opens the keyboard), and the
 * chat box kept above that keyboard. Phones shrink the visual viewport, not the layout viewport,
 * when the keyboard opens, so the gap between them is published as the CSS variable
 * --keyboard-inset, which the chat panel's bottom offset adds.
 *
 * `body.touch` is set on a coarse pointer or the first touch, and shows the touch-only controls;
 * a mouse-and-keyboard player never sees them.
 */
import { el } from './dom.js';

export class TouchLayout {
  readonly chatButton: HTMLButtonElement;

  constructor(openChat: () => void) {
    this.chatButton = el('button', { className: 'chat-button', text: '💬', attrs: { id: 'chat-button', type: 'button', 'aria-label': 'Chat' } });
    // pointerdown would steal focus back from the input on some phones; click keeps the gesture.
    this.chatButton.addEventListener('click', (ev) => {
      ev.preventDefault();
      openChat();
    });
    if (window.matchMedia?.('(pointer: coarse)').matches) document.body.classList.add('touch');
    window.addEventListener('pointerdown', (ev) => {
      if (ev.pointerType !== 'mouse') document.body.classList.add('touch');
    }, { capture: true, passive: true });
    const vv = window.visualViewport;
    if (vv) {
      const fit = (): void => {
        const inset = Math.max(0, window.innerHeight - (vv.height + vv.offsetTop));
        document.documentElement.style.setProperty('--keyboard-inset', `${Math.round(inset)}px`);
      };
      vv.addEventListener('resize', fit);
      vv.addEventListener('scroll', fit);
      fit();
    }
  }
}
