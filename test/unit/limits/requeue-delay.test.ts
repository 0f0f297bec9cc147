import { describe, expect, it } from 'vitest';
import { MIN_REQUEUE_DELAY_MS, REQUEUE_JITTER, requeueDelayMs } from '../../../shared/limits/requeue-delay.js';

describe('requeueDelayMs: the wait before an item re-queued after a 429 runs again', () => {
  it('floors Retry-After: 0 (and anything under a second) at MIN_REQUEUE_DELAY_MS', () => {
    expect(MIN_REQUEUE_DELAY_MS).toBe(1_000);
    expect(requeueDelayMs(0, () => 0)).toBe(1_000);
    expect(requeueDelayMs(250, () => 0)).toBe(1_000);
    expect(requeueDelayMs(-5, () => 0)).toBe(1_000);
    expect(requeueDelayMs(Number.NaN, () => 0)).toBe(1_000);
  });

  it('follows a longer Retry-After as sent', () => {
    expect(requeueDelayMs(5_000, () => 0)).toBe(5_000);
    expect(requeueDelayMs(1_001, () => 0)).toBe(1_001);
  });

  it('adds up to a quarter at random, also on the floor, so one burst does not come back at once', () => {
    expect(REQUEUE_JITTER).toBe(0.25);
    expect(requeueDelayMs(0, () => 0.5)).toBe(1_125);
    expect(requeueDelayMs(0, () => 0.999_999)).toBe(1_250);
    expect(requeueDelayMs(4_000, () => 0.5)).toBe(4_500);
    const draws = Array.from({ length: 200 }, () => requeueDelayMs(0));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1_250);
    expect(new Set(draws).size).toBeGreaterThan(1);
  });
});
