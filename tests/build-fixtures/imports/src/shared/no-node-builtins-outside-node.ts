// Type-only, and still forbidden: it puts Node's types into the shared program.
import type { Socket } from 'node:net';
export type S = Socket;
