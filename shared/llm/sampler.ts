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

/**
 * The only door strategies have to an LLM: one completion per requested sample index, for the same messages.
 * Implementations decide whether to ask for `n` choices in one request or send one request per index, and cache
 * per (model, messages, params, sample index) so a retried item pays for no call twice.
 */
export interface Sampler {
  sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams): Promise<Completion[]>;
}
