import type { ClientLink } from '../net/client-link.js';
export type Port = ClientLink;
