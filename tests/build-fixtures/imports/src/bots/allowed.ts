// Must pass: bots run on the client core and may use Node.
import { engine } from '../client/core/engine.js';
import { transport } from '../client/node/transport.js';
import { createServer } from 'node:net';
export const all = [engine, transport, createServer];
