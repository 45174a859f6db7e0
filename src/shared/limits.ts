/** Protocol-level limits, shared so clients can check before sending what the server enforces. */
export const MAX_FRAME_BYTES = 4096;
export const NAME_MAX_CHARS = 16;
export const CHAT_MAX_CHARS = 200;
export const CHARACTER_COUNT = 6;
/** A client may batch inputs, but never more than this many per message. */
export const MAX_INPUTS_PER_MESSAGE = 8;
