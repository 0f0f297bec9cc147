import type { SampleSaving } from './cost-summary.js';

/** What an item result says about its sampling: chains drawn, and the inputs it ran on (perturbation variants). */
export interface SampledItem {
  /** Sample chains drawn for the item, over all inputs it ran on. */
  samples: number;
  /** Perturbation runs: one entry per input run (the original first); absent: the item ran on its own input only. */
  variants?: readonly unknown[] | undefined;
}

/**
 * Adds up, over a run's item results, the sample chains drawn against the most the spec allowed, to say what adaptive
 * stopping saved against a fixed budget. The maximum of an item is `maxPerInput` (`sampling.samples`) per input it
 * ran on; an item that drew nothing (input reject, stopped, errored) ran no program and is left out.
 *
 * This is the one place that knows an item's maximum: should item results record their own (e.g. a `maxSamples`
 * field), read it in {@link add} instead.
 */
export class SampleSavingTally {
  #items = 0;
  #drawn = 0;
  #max = 0;

  constructor(private readonly maxPerInput: number) {}

  add(item: SampledItem): void {
    if (item.samples <= 0) return;
    this.#items += 1;
    this.#drawn += item.samples;
    this.#max += this.maxPerInput * Math.max(1, item.variants?.length ?? 1);
  }

  result(): SampleSaving {
    const saved = this.#max === 0 ? 0 : (this.#max - this.#drawn) / this.#max;
    // A result that drew more than the fixed budget (it cannot, today) is shown as no saving rather than a negative one.
    return { items: this.#items, drawn: this.#drawn, max: this.#max, savedFraction: Math.max(0, Math.round(saved * 1e6) / 1e6) };
  }
}
