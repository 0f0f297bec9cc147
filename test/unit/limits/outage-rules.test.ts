import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTAGE_OPTIONS, outageOptionsSchema } from '../../../shared/limits/outage-options.js';
import { maxProbesWithin, nominalProbeDelayMs, outageParkMs, probeDelayMs, suspectParkMs, windowRestMs } from '../../../shared/limits/outage-schedule.js';
import { judgeSuspectFailure } from '../../../shared/limits/outage-verdict.js';

describe('outage rules (pure decisions)', () => {
  it('defaults: down after 3 failures from 2 items within 10 s, probes from 1 s doubling to 30 s, pause after 30 minutes', () => {
    expect(DEFAULT_OUTAGE_OPTIONS).toEqual({ failureThreshold: 3, minItems: 2, windowMs: 10_000, probeInitialMs: 1_000, probeMaxMs: 30_000, maxMinutes: 30 });
    expect(outageOptionsSchema.safeParse({ failureThreshold: 2, minItems: 3 }).success).toBe(false);
    expect(outageOptionsSchema.safeParse({ probeInitialMs: 5_000, probeMaxMs: 1_000 }).success).toBe(false);
    expect(outageOptionsSchema.safeParse({ windw: 1 }).success).toBe(false);
  });

  it('probe delays double from probeInitialMs up to probeMaxMs, each drawn between half and all of it', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 12].map((k) => nominalProbeDelayMs(k, DEFAULT_OUTAGE_OPTIONS));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(probeDelayMs(3, DEFAULT_OUTAGE_OPTIONS, 0)).toBe(4_000);
    expect(probeDelayMs(3, DEFAULT_OUTAGE_OPTIONS, 0.999_999)).toBe(8_000);
  });

  it('bounds the probes of an outage: 20 s allows at most 5, 3 minutes at most 15, 30 minutes at most 123', () => {
    // Halves: 0.5 + 1 + 2 + 4 + 8 = 15.5 s for 5 probes, + 15 = 30.5 s for the 6th.
    expect(maxProbesWithin(20_000, DEFAULT_OUTAGE_OPTIONS)).toBe(5);
    expect(maxProbesWithin(180_000, DEFAULT_OUTAGE_OPTIONS)).toBe(15);
    expect(maxProbesWithin(30 * 60_000, DEFAULT_OUTAGE_OPTIONS)).toBe(123);
    expect(maxProbesWithin(0, DEFAULT_OUTAGE_OPTIONS)).toBe(0);
  });

  it('an outage-class failure is an outage if the endpoint was down since, the item’s if others succeeded since or the window passed', () => {
    const base = { state: 'healthy' as const, lastDownUntil: null, lastSuccessAt: null, now: 5_000 };
    expect(judgeSuspectFailure({ ...base, state: 'down' }, 1_000, 10_000)).toBe('outage');
    expect(judgeSuspectFailure({ ...base, lastDownUntil: 1_500 }, 1_000, 10_000)).toBe('outage');
    expect(judgeSuspectFailure({ ...base, lastDownUntil: 900, lastSuccessAt: 2_000 }, 1_000, 10_000)).toBe('item');
    expect(judgeSuspectFailure({ ...base, lastSuccessAt: 1_000 }, 1_000, 10_000)).toBe('undecided');
    expect(judgeSuspectFailure({ ...base, now: 11_000 }, 1_000, 10_000)).toBe('item');
    // A rate-limited endpoint is live: its other answers count as much as a healthy one's.
    expect(judgeSuspectFailure({ ...base, state: 'rate-limited', lastSuccessAt: 3_000 }, 1_000, 10_000)).toBe('item');
  });

  it('parks: suspects for their own backoff (at most the window), down items until the next probe, with jitter', () => {
    expect(suspectParkMs(10_000, 1_000, 0, 0)).toBe(1_000);
    expect(suspectParkMs(10_000, 1_000, 2, 0)).toBe(4_000);
    expect(suspectParkMs(10_000, 1_000, 6, 0)).toBe(10_000);
    expect(suspectParkMs(10_000, 1_000, 0, 0.999)).toBeLessThanOrEqual(1_250);
    expect(windowRestMs(1_000, 4_000, 10_000, 0)).toBe(7_000);
    expect(outageParkMs(8_000, 0)).toBe(8_000);
    expect(outageParkMs(8_000, 0.999)).toBeLessThanOrEqual(9_600);
    expect(outageParkMs(0, 0.5)).toBe(225);
  });
});
