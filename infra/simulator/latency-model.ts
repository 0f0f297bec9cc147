import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Rng } from '../../shared/random/seeded-random.js';
import type { SimulatorOptions } from './simulator-options.js';

/**
 * How long a request occupies its sequences: time to first token plus decode time of the longest choice (the
 * choices of one request decode in parallel), scaled by jitter.
 */
export function decodeDelayMs(latency: SimulatorOptions['latency'], outputTokens: number, rng: Rng): number {
  const base = latency.ttftMs + latency.perTokenMs * outputTokens;
  const factor = 1 + latency.jitter * (2 * rng.next() - 1);
  return Math.max(0, base * factor);
}

/** Sleeps, ending early (rejecting) when the signal aborts — a client that hung up frees its slots at once. */
export async function sleepMs(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) {
    signal.throwIfAborted();
    return;
  }
  await sleepFor(ms, undefined, { signal });
}
