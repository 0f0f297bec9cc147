import type { ChatMessage, TokenUsage } from '../core-types.js';

/** Decoding parameters of one LLM call. */
export interface SamplingParams {
  /** Sampling temperature; 0 means greedy (every sample index then gets the same text). */
  temperature: number;
  /** Upper bound on generated tokens per completion. */
  maxTokens: number;
}

/** One completion for one sample index. */
export interface Completion {
  text: string;
  /** Usage attributed to this completion (for `n` > 1 requests the request's usage is split across choices). */
  usage: TokenUsage;
  /** True when the completion came from the call cache and no LLM call was paid for it now. */
  cached: boolean;
}

/** How a sampler may serve a call beyond the indices asked for. */
export interface SampleOptions {
  /**
   * End (exclusive) of sample indices the caller will probably ask for later with the same messages (adaptive
   * sampling: the item's maximum). A sampler that asks the endpoint for `n` choices anyway may ask for the uncached
   * indices after the requested ones up to this bound in the same request and cache them, so later rounds find them
   * instead of paying one more request each; one that sends a request per index ignores it. Default: none.
   */
  prefetchUntil?: number;
}

/**
 * The only door strategies have to an LLM: one completion per requested sample index, for the same messages.
 * Implementations decide whether to ask for `n` choices in one request or send one request per index, and cache
 * per (model, messages, params, sample index) so a retried item pays for no call twice.
 */
export interface Sampler {
  sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams, options?: SampleOptions): Promise<Completion[]>;
}
