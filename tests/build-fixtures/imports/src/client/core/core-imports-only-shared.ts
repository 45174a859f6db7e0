import { transport } from '../node/transport.js';
export const name = transport;
