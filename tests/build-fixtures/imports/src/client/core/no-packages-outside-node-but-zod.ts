// Type-only: @types/ws references @types/node, so Buffer and process would typecheck in the core.
import type { WebSocket } from 'ws';
export type W = WebSocket;
