import type { OutageOptions } from './outage-options.js';

/**
 * The probe schedule of a down endpoint, as the limiter's Lua runs it (limiter-scripts.ts, RELEASE): after `k` failed
 * probes the next is due after min(probeMaxMs, probeInitialMs × 2^k), of which a random half may be taken off
 * ("equal jitter"), so a fleet's probes never synchronise and the bound below holds.
 */
export function nominalProbeDelayMs(failedProbes: number, options: Pick<OutageOptions, 'probeInitialMs' | 'probeMaxMs'>): number {
  return Math.min(options.probeMaxMs, options.probeInitialMs * 2 ** Math.min(failedProbes, 40));
}

/** One drawn probe delay, ms (`random` in [0, 1) as Math.random): between half the nominal delay and all of it. */
export function probeDelayMs(failedProbes: number, options: Pick<OutageOptions, 'probeInitialMs' | 'probeMaxMs'>, random: number): number {
  return Math.round(nominalProbeDelayMs(failedProbes, options) * (0.5 + 0.5 * random));
}

/**
 * The most probes the fleet can send during an outage of `durationMs` from the moment the endpoint was marked down:
 * the k-th probe (k = 0, 1, …) waits at least half its nominal delay after the previous one ended, so n probes take at
 * least the sum of those halves. One probe at a time (a lease), so nothing else is sent while down.
 */
export function maxProbesWithin(durationMs: number, options: Pick<OutageOptions, 'probeInitialMs' | 'probeMaxMs'>): number {
  let elapsed = 0;
  let probes = 0;
  for (;;) {
    elapsed += nominalProbeDelayMs(probes, options) / 2;
    if (elapsed > durationMs) return probes;
    probes++;
  }
}

/**
 * How long an item waits (parked in BullMQ's delayed set, no attempt used) before it looks at a down endpoint again:
 * until the next probe could be due, plus up to a fifth of that (at least 250 ms) at random so parked items do not
 * all return in the same moment. Items are also promoted at once when the endpoint recovers.
 */
export function outageParkMs(untilRetryMs: number, random: number): number {
  const base = Math.max(100, untilRetryMs);
  return Math.round(base + Math.max(250, base / 5) * random);
}

/**
 * How long an item waits after an outage-class failure on a live endpoint before the failure is judged: its own retry
 * backoff (`retryBackoffMs` doubled per attempt used), at most the outage window, plus up to 25% at random. An item
 * still undecided then waits until the window has passed ({@link windowRestMs}).
 */
export function suspectParkMs(windowMs: number, backoffMs: number, attemptsUsed: number, random: number): number {
  const base = Math.min(windowMs, Math.max(100, backoffMs * 2 ** Math.min(attemptsUsed, 20)));
  return Math.round(base * (1 + 0.25 * random));
}

/** The rest of the outage window after a failure at `failedAt` (Redis ms), plus up to a tenth of the window. */
export function windowRestMs(failedAt: number, now: number, windowMs: number, random: number): number {
  return Math.max(100, failedAt + windowMs - now) + Math.round(windowMs * 0.1 * random);
}
