/**
 * The rules every copy of the simulation must agree on: the server sends them in `welcome`, and
 * client prediction steps with exactly these numbers, so a predicted position equals the server's.
 */
export interface WorldRules {
  readonly widthUnits: number;
  readonly heightUnits: number;
  /** Top walking speed; the movement step never exceeds it, diagonals included. */
  readonly speedUnitsPerS: number;
  readonly tickRateHz: number;
}

/** Positions are quantised to 1/8 unit after every step, so the wire format carries them exactly. */
export const POSITION_SCALE = 8;

/** The largest world the wire format can address (u16 at 1/8 unit). */
export const MAX_WORLD_UNITS = Math.floor(0xffff / POSITION_SCALE);

export const DEFAULT_RULES: WorldRules = {
  widthUnits: 1000,
  heightUnits: 1000,
  speedUnitsPerS: 120,
  tickRateHz: 20,
};

export function tickMs(rules: WorldRules): number {
  return 1000 / rules.tickRateHz;
}

export function quantise(v: number): number {
  return Math.round(v * POSITION_SCALE) / POSITION_SCALE;
}
