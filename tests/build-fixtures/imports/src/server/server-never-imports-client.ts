import { engine } from '../client/core/engine.js';
export const e = engine;
