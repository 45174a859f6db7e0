/** Protocol-level limits, shared so clients can check before sending what the server enforces. */
export const MAX_FRAME_BYTES = 4096;
export const NAME_MAX_CHARS = 16;
export const CHAT_MAX_CHARS = 200;
/**
 * A chat line's UTF-8 size: 200 characters of CJK (3 bytes) or single emoji (4 bytes) fit; 200
 * family emoji or flags (up to 25 bytes each) do not.
 */
export const CHAT_MAX_BYTES = 1000;
/**
 * Combining marks in a row (on one character), in names and chat. Thai and Hindi stack two
 * ("ตั้ง", "सिंह"), a third leaves room for rarer scripts; "Zalgo" text stacks hundreds.
 */
export const MAX_MARKS_IN_A_ROW = 3;
export const CHARACTER_COUNT = 6;
/** A client may batch inputs, but never more than this many per message. */
export const MAX_INPUTS_PER_MESSAGE = 8;
