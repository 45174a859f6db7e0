/**
 * Keyboard movement: arrows and WASD become the DIR_* bit set the client sends every tick.
 * Keys are tracked by `code` (physical position), so WASD works on any keyboard layout. Typing in
 * a text field is never movement, and losing focus releases everything: a key released while the
 * window was in the background would otherwise stay "held" and walk the player off forever.
 */
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../../shared/movement.js';
import { isTyping } from './dom.js';

const KEY_DIRS: Readonly<Record<string, number>> = {
  ArrowUp: DIR_UP,
  KeyW: DIR_UP,
  ArrowDown: DIR_DOWN,
  KeyS: DIR_DOWN,
  ArrowLeft: DIR_LEFT,
  KeyA: DIR_LEFT,
  ArrowRight: DIR_RIGHT,
  KeyD: DIR_RIGHT,
};

/** Directions from several controls (keys, joystick) as one input: opposite directions cancel out rather than one arbitrarily winning. */
export function combineDirs(...sources: number[]): number {
  let d = 0;
  for (const s of sources) d |= s;
  if ((d & (DIR_UP | DIR_DOWN)) === (DIR_UP | DIR_DOWN)) d &= ~(DIR_UP | DIR_DOWN);
  if ((d & (DIR_LEFT | DIR_RIGHT)) === (DIR_LEFT | DIR_RIGHT)) d &= ~(DIR_LEFT | DIR_RIGHT);
  return d;
}

export class KeyboardInput {
  private readonly held = new Set<string>();
  enabled = true;

  constructor(private readonly onChange: (dirs: number) => void) {
    window.addEventListener('keydown', this.keydown);
    window.addEventListener('keyup', this.keyup);
    window.addEventListener('blur', this.clear);
    document.addEventListener('visibilitychange', this.clear);
  }

  get dirs(): number {
    let d = 0;
    for (const code of this.held) d |= KEY_DIRS[code] ?? 0;
    return combineDirs(d);
  }

  readonly clear = (): void => {
    if (this.held.size === 0) return;
    this.held.clear();
    this.onChange(0);
  };

  private readonly keydown = (ev: KeyboardEvent): void => {
    if (!this.enabled || isTyping(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (!(ev.code in KEY_DIRS)) return;
    ev.preventDefault(); // arrows would scroll the page
    if (this.held.has(ev.code)) return;
    this.held.add(ev.code);
    this.onChange(this.dirs);
  };

  private readonly keyup = (ev: KeyboardEvent): void => {
    if (!this.held.delete(ev.code)) return;
    this.onChange(this.dirs);
  };

  dispose(): void {
    window.removeEventListener('keydown', this.keydown);
    window.removeEventListener('keyup', this.keyup);
    window.removeEventListener('blur', this.clear);
    document.removeEventListener('visibilitychange', this.clear);
  }
}
