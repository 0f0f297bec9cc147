import { ZERO_USAGE, type ChatMessage } from '../core-types.js';
import type { Completion, SampleOptions, Sampler, SamplingParams } from './sampler.js';

/**
 * Shares identical calls made at the same time: perturbed variants of an item run concurrently, and some of their
 * calls are the same (BSM's branch step sees the question only, so it is identical in both orders). The call cache
 * only helps once a call has finished; this wrapper makes the second asker wait for the first's request instead of
 * paying for its own. Scoped to one item execution (create one per item), so it holds nothing for long.
 */
export class SharedCallsSampler implements Sampler {
  private readonly inFlight = new Map<string, Promise<Completion[]>>();

  constructor(private readonly inner: Sampler) {}

  sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams, options: SampleOptions = {}): Promise<Completion[]> {
    const key = JSON.stringify([messages.map((m) => [m.role, m.content]), sampleIndices, params.temperature, params.maxTokens, options.prefetchUntil ?? null]);
    const existing = this.inFlight.get(key);
    if (existing !== undefined) {
      // The second asker did not pay: its completions are marked cached and carry no usage, since the first asker's
      // chain already counts those tokens in the same item (otherwise item and manifest totals count them twice).
      return existing.then((completions) => completions.map((completion) => ({ ...completion, usage: { ...ZERO_USAGE }, cached: true })));
    }
    const call = this.inner.sample(messages, sampleIndices, params, options);
    this.inFlight.set(key, call);
    // A failed call is not shared with later askers: they retry it themselves.
    call.catch(() => this.inFlight.delete(key));
    return call;
  }
}
