import type { Config } from '../server/config.js';
export type C = Config;
