/**
 * Touch movement: a floating virtual joystick. A finger that lands on the world (not on a panel or
 * button) puts the joystick's base under it; dragging away from the base walks in that direction,
 * snapped to the 8 directions of the DIR_* bit set the keyboard produces, so the client, the
 * server and prediction see exactly the same inputs as from arrow keys.
 *
 * Why a joystick and not drag-to-walk (walk towards the finger): the game's input is "directions
 * held", not "go to a point"; a point target would need path-finding around trees and water, and
 * the finger would cover the player it steers. A floating base works in portrait and landscape,
 * for either hand, and the knob shows which way the player walks.
 *
 * Multi-touch safe: the joystick follows only the pointer that started it (its pointerId); other
 * fingers (a second thumb on the chat button) never move or release it. Only touch and pen
 * pointers drive it: a mouse keeps selecting nothing and the keyboard stays the desktop control.
 */
import { DIR_DOWN, DIR_LEFT, DIR_RIGHT, DIR_UP } from '../../shared/movement.js';
import { el } from './dom.js';

/** Below this drag distance (CSS px) the joystick holds nothing: a resting thumb does not walk. */
export const DEAD_ZONE_PX = 12;
/** The knob travels at most this far from the base. */
const RADIUS_PX = 48;

/** The 8-way direction bits of a drag vector (screen coordinates: y grows downwards). */
export function dirsOfDrag(dx: number, dy: number, deadZone = DEAD_ZONE_PX): number {
  if (Math.hypot(dx, dy) < deadZone) return 0;
  // Sectors of 45 degrees centred on the 8 directions.
  const sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  switch ((sector + 8) % 8) {
    case 0: return DIR_RIGHT;
    case 1: return DIR_RIGHT | DIR_DOWN;
    case 2: return DIR_DOWN;
    case 3: return DIR_DOWN | DIR_LEFT;
    case 4: return DIR_LEFT;
    case 5: return DIR_LEFT | DIR_UP;
    case 6: return DIR_UP;
    default: return DIR_UP | DIR_RIGHT;
  }
}

export class TouchJoystick {
  readonly root: HTMLElement;
  private readonly knob: HTMLElement;
  private pointerId: number | null = null;
  private originX = 0;
  private originY = 0;
  /** Directions currently held by the joystick. */
  dirs = 0;
  enabled = true;

  constructor(
    private readonly surface: HTMLElement,
    private readonly onChange: () => void,
  ) {
    this.knob = el('div', { className: 'joystick-knob' });
    this.root = el('div', { className: 'joystick hidden', attrs: { id: 'joystick', 'aria-hidden': 'true' } }, this.knob);
    surface.addEventListener('pointerdown', this.down);
    window.addEventListener('pointermove', this.move);
    window.addEventListener('pointerup', this.up);
    window.addEventListener('pointercancel', this.up);
  }

  /** Lets go (the page was hidden, chat opened): nothing stays held. */
  readonly release = (): void => {
    const had = this.pointerId !== null || this.dirs !== 0;
    this.pointerId = null;
    this.root.classList.add('hidden');
    this.setDirs(0);
    if (had) this.onChange();
  };

  private readonly down = (ev: PointerEvent): void => {
    if (!this.enabled || ev.pointerType === 'mouse' || this.pointerId !== null) return;
    ev.preventDefault();
    this.pointerId = ev.pointerId;
    this.originX = ev.clientX;
    this.originY = ev.clientY;
    this.root.style.left = `${ev.clientX}px`;
    this.root.style.top = `${ev.clientY}px`;
    this.knob.style.transform = 'translate(-50%, -50%)';
    this.root.classList.remove('hidden');
    document.body.classList.add('touch');
  };

  private readonly move = (ev: PointerEvent): void => {
    if (ev.pointerId !== this.pointerId) return;
    ev.preventDefault();
    const dx = ev.clientX - this.originX;
    const dy = ev.clientY - this.originY;
    const len = Math.hypot(dx, dy);
    const k = len > RADIUS_PX ? RADIUS_PX / len : 1;
    this.knob.style.transform = `translate(calc(-50% + ${dx * k}px), calc(-50% + ${dy * k}px))`;
    if (this.setDirs(dirsOfDrag(dx, dy))) this.onChange();
  };

  private readonly up = (ev: PointerEvent): void => {
    if (ev.pointerId !== this.pointerId) return;
    this.release();
  };

  private setDirs(dirs: number): boolean {
    if (dirs === this.dirs) return false;
    this.dirs = dirs;
    this.root.dataset['dirs'] = String(dirs);
    return true;
  }

  dispose(): void {
    this.surface.removeEventListener('pointerdown', this.down);
    window.removeEventListener('pointermove', this.move);
    window.removeEventListener('pointerup', this.up);
    window.removeEventListener('pointercancel', this.up);
  }
}
