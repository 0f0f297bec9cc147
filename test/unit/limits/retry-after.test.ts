import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS, parseRetryAfterMs } from '../../../shared/limits/retry-after.js';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfterMs', () => {
  it('prefers retry-after-ms, then retry-after seconds, then an HTTP date', () => {
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' }), now)).toBe(250);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3_000);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7_000);
    expect(parseRetryAfterMs({ 'retry-after': ['2'] }, now)).toBe(2_000);
  });

  it('falls back to the default for missing or unreadable headers, and clamps bogus ones', () => {
    expect(parseRetryAfterMs(undefined, now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '' }), now, 42)).toBe(42);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '86400' }), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '-5' }), now)).toBe(0);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
  });
});
