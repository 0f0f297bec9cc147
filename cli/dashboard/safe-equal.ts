import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret someone sent with the expected one in time that depends on neither: both are hashed to
 * equal-length SHA-256 digests first, so neither the content nor the length of the expected secret leaks through
 * timing (timingSafeEqual alone throws on unequal lengths, and an early length check would leak the length).
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
