/**
 * Adaptive in-flight cap (AIMD), as pure arithmetic. The Lua scripts in limiter-scripts.ts apply exactly these rules
 * atomically in Redis; this module is their specification and is what the unit tests pin down.
 */

/** Multiplicative decrease on a 429: the cap is halved (never below the floor). */
export const DECREASE_FACTOR = 0.5;

export interface AimdBounds {
  minConcurrency: number;
  maxConcurrency: number;
}

export interface AimdState {
  cap: number;
  /** Successes since the cap last changed. */
  successes: number;
  /** Redis time (ms) of the last cut: a 429 of a request sent before it does not cut again. */
  lastCutAt: number;
}

export function clampCap(cap: number, bounds: AimdBounds): number {
  return Math.min(bounds.maxConcurrency, Math.max(bounds.minConcurrency, cap));
}

/**
 * Additive increase: after `cap` successes in a row (about one round of the current window) the cap grows by one,
 * up to the maximum.
 */
export function afterSuccess(state: AimdState, bounds: AimdBounds): AimdState {
  const cap = clampCap(state.cap, bounds);
  const successes = state.successes + 1;
  if (successes >= cap && cap < bounds.maxConcurrency) return { ...state, cap: cap + 1, successes: 0 };
  return { ...state, cap, successes: Math.min(successes, cap) };
}

/**
 * Multiplicative decrease, once per window: the 429s of requests that were already in flight when the cap was cut
 * (acquired before lastCutAt) do not cut it again.
 */
export function afterRateLimit(state: AimdState, bounds: AimdBounds, acquiredAt: number, now: number): AimdState {
  const cap = clampCap(state.cap, bounds);
  if (acquiredAt < state.lastCutAt) return { ...state, cap, successes: 0 };
  return { cap: clampCap(Math.floor(cap * DECREASE_FACTOR), bounds), successes: 0, lastCutAt: now };
}
