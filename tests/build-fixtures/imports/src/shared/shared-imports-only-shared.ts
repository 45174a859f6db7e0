import type { Config } from '../server/config.js';
export type Port = Config['port'];
