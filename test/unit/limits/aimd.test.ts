import { describe, expect, it } from 'vitest';
import { afterRateLimit, afterSuccess, clampCap, type AimdState } from '../../../shared/limits/aimd.js';

const bounds = { minConcurrency: 2, maxConcurrency: 16 };

describe('AIMD arithmetic of the in-flight cap', () => {
  it('halves the cap on a 429, never below the floor', () => {
    let state: AimdState = { cap: 16, successes: 5, lastCutAt: 0 };
    const caps: number[] = [];
    for (let at = 1; at <= 5; at++) {
      state = afterRateLimit(state, bounds, at, at);
      caps.push(state.cap);
    }
    expect(caps).toEqual([8, 4, 2, 2, 2]);
    expect(state.successes).toBe(0);
  });

  it('cuts once per window: a 429 of a request sent before the last cut does not cut again', () => {
    const cut = afterRateLimit({ cap: 16, successes: 0, lastCutAt: 0 }, bounds, 100, 200);
    expect(cut).toEqual({ cap: 8, successes: 0, lastCutAt: 200 });
    expect(afterRateLimit(cut, bounds, 150, 210).cap).toBe(8);
    expect(afterRateLimit(cut, bounds, 205, 220).cap).toBe(4);
  });

  it('grows by one after a full window of successes, up to the maximum', () => {
    let state: AimdState = { cap: 4, successes: 0, lastCutAt: 0 };
    const trajectory: number[] = [];
    for (let i = 0; i < 4 + 5 + 6; i++) {
      state = afterSuccess(state, bounds);
      trajectory.push(state.cap);
    }
    expect(trajectory.slice(0, 4)).toEqual([4, 4, 4, 5]);
    expect(trajectory[8]).toBe(6);
    expect(trajectory[14]).toBe(7);
    const atMax = afterSuccess({ cap: 16, successes: 16, lastCutAt: 0 }, bounds);
    expect(atMax.cap).toBe(16);
    expect(atMax.successes).toBe(16);
  });

  it('clamps a cap stored under other limits into the current bounds', () => {
    expect(clampCap(100, bounds)).toBe(16);
    expect(clampCap(0, bounds)).toBe(2);
  });
});
