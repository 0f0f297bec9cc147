import { describe, expect, it } from 'vitest';
import type { ProgressSnapshot } from '../../../shared/progress/progress-snapshot.js';
import { ProgressWindow } from '../../../shared/progress/progress-window.js';
import { formatCount, formatDuration, progressUpdate, renderProgressLine } from '../../../shared/progress/render-progress.js';

const snapshot = (at: number, done: number, extra: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  at,
  kind: 'run',
  id: 'r1',
  state: 'running',
  total: 300,
  done,
  accepted: done - 4,
  rejected: 4,
  errored: 0,
  rejectReasons: { tie: 1, 'weak-majority': 3 },
  requests: done * 9,
  rateLimited: 2,
  tokens: 412_345,
  usd: 0.4123,
  endpoint: { state: 'healthy', cap: 32, maxConcurrency: 64, inFlight: 30 },
  ...extra,
});

describe('ProgressWindow', () => {
  it('measures items/s over the recent window only, and the ETA it implies', () => {
    const window = new ProgressWindow(10_000);
    expect(window.itemsPerSecond()).toBeNull();
    // 1 item/s for 20 s, then 5 items/s: a 10 s window sees only the fast part.
    for (let t = 0; t <= 20; t++) window.add({ at: t * 1000, done: t });
    expect(window.itemsPerSecond()).toBeCloseTo(1, 9);
    for (let t = 1; t <= 10; t++) window.add({ at: 20_000 + t * 1000, done: 20 + 5 * t });
    expect(window.itemsPerSecond()).toBeCloseTo(5, 9);
    expect(window.etaSeconds(300)).toBeCloseTo((300 - 70) / 5, 9);
    expect(window.etaSeconds(null)).toBeNull();
    expect(window.etaSeconds(70)).toBe(0);
  });

  it('needs a second of history, and starts over when the count goes down (a retry)', () => {
    const window = new ProgressWindow();
    window.add({ at: 0, done: 0 });
    window.add({ at: 500, done: 10 });
    expect(window.itemsPerSecond()).toBeNull();
    window.add({ at: 2_000, done: 40 });
    expect(window.itemsPerSecond()).toBe(20);
    window.add({ at: 3_000, done: 5 });
    expect(window.itemsPerSecond()).toBeNull();
    expect(window.etaSeconds(100)).toBeNull();
  });
});

describe('renderProgressLine', () => {
  it('a terminal line: bar, %, rate, ETA, counts with the top reasons, 429s, tokens, USD, cap and state', () => {
    const window = new ProgressWindow();
    window.add(snapshot(0, 100));
    window.add(snapshot(10_000, 138));
    const line = renderProgressLine(progressUpdate(snapshot(10_000, 138), window), { bar: true, barWidth: 10 });
    expect(line).toBe(
      '[█████░░░░░]  46.0% 138/300 · 3.80 items/s · ETA 0:43 · accepted 134, rejected 4 (weak-majority 3, tie 1), errored 0 · 1242 requests · 429s: 2 · 412.3k tokens · $0.4123 · cap 32/64, in flight 30 · running',
    );
  });

  it('plain, with what is unknown left out, and an eval counts scored items', () => {
    const window = new ProgressWindow();
    const update = progressUpdate(snapshot(0, 0, { total: null, rejectReasons: null, rateLimited: null, usd: null, endpoint: null, state: 'producing', tokens: 0 }), window);
    expect(update).toMatchObject({ percent: null, itemsPerSecond: null, etaSeconds: null });
    expect(renderProgressLine(update, { bar: false })).toBe('0/? · accepted -4, rejected 4, errored 0 · 0 requests · 0 tokens · producing');
    const evalUpdate = progressUpdate(snapshot(0, 50, { kind: 'eval', errored: 2, state: 'finalised', total: 50 }), window);
    expect(renderProgressLine(evalUpdate, { bar: false })).toMatch(/^100\.0% 50\/50 · scored 48, errored 2 · /);
    expect(renderProgressLine(evalUpdate, { bar: false })).not.toContain('ETA');
  });

  it('formats durations and counts for people', () => {
    expect([formatDuration(9), formatDuration(247), formatDuration(3909)]).toEqual(['0:09', '4:07', '1:05:09']);
    expect([formatCount(1370), formatCount(41_234), formatCount(3_400_000)]).toEqual(['1370', '41.2k', '3.4M']);
  });
});
