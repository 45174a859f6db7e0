// The network layer implements the game's interfaces: this direction is allowed.
import type { Port } from '../game/game-never-imports-net.js';
export type Link = Port;
