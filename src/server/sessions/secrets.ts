/** Secrets handed to clients (resume and account tokens): only their sha256 is ever kept. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 192 random bits, base64url: comfortably above the 128-bit floor, short enough for a header. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** The hash as stored and as keys are made of it (hex). */
export function hashSecretHex(secret: string): string {
  return hashSecret(secret).toString('hex');
}

export function secretMatches(secret: string, expectedHashHex: string): boolean {
  const expected = Buffer.from(expectedHashHex, 'hex');
  const actual = hashSecret(secret);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
