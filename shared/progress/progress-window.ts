import type { ProgressSnapshot } from './progress-snapshot.js';

/**
 * Items per second over a recent window of snapshots, and the ETA it implies. A recent window rather than the
 * whole run: a run that was paused, waited out an outage or got a higher limiter cap has a rate that the whole
 * history would hide.
 */
export class ProgressWindow {
  readonly #samples: { at: number; done: number }[] = [];

  /** @param windowMs how far back the rate looks, in ms. Default 30 000. */
  constructor(private readonly windowMs = 30_000) {}

  add(snapshot: Pick<ProgressSnapshot, 'at' | 'done'>): void {
    const last = this.#samples.at(-1);
    // A count that went down (a retried run starts its errored items again) starts the window over.
    if (last !== undefined && (snapshot.done < last.done || snapshot.at < last.at)) this.#samples.length = 0;
    this.#samples.push({ at: snapshot.at, done: snapshot.done });
    const horizon = snapshot.at - this.windowMs;
    // Keep one sample at or before the horizon so the window spans all of windowMs once it has.
    while (this.#samples.length > 2 && (this.#samples[1]?.at ?? Infinity) <= horizon) this.#samples.shift();
  }

  /** Items finished per second over the window; null until two samples at least 1 s apart. */
  itemsPerSecond(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < 1_000) return null;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  /** Seconds until `total` at the window's rate; null when the total or a positive rate is unknown. */
  etaSeconds(total: number | null): number | null {
    const rate = this.itemsPerSecond();
    const last = this.#samples.at(-1);
    if (total === null || last === undefined) return null;
    if (last.done >= total) return 0;
    return rate === null || rate <= 0 ? null : (total - last.done) / rate;
  }
}
