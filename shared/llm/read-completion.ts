import type OpenAI from 'openai';
import type { TokenUsage } from '../core-types.js';
import type { CachedCompletion } from './call-cache.js';
import { SIMULATOR_UNRECOGNISED_FINGERPRINT } from './simulator-fingerprint.js';
import { splitUsage } from './split-usage.js';

/** A chat completion as s2d caches and counts it. */
export interface ReadCompletion {
  /** The response's whole usage (what was paid). */
  usage: TokenUsage;
  /** The first `n` choices in index order, each with its share of the usage. */
  choices: CachedCompletion[];
  /** The simulator flagged the prompt as one it did not recognise (see simulator-fingerprint.ts). */
  unrecognisedBySimulator: boolean;
}

/**
 * Reads a completion asked for `n` choices. The online sampler and the batch ingest both read responses here, so a
 * batch line lands in the call cache exactly as the same online response would.
 */
export function readCompletion(response: OpenAI.Chat.Completions.ChatCompletion, n: number): ReadCompletion {
  const texts = response.choices
    .slice()
    .sort((a, b) => a.index - b.index)
    .slice(0, n)
    .map((choice) => choice.message.content ?? '');
  const usage = usageOf(response.usage);
  const shares = splitUsage(usage, texts);
  const choices = texts.flatMap((text, position) => {
    const share = shares[position];
    return share === undefined ? [] : [{ text, usage: share }];
  });
  // system_fingerprint is deprecated by OpenAI but still returned; s2d's simulator uses it to flag guessed answers.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  return { usage, choices, unrecognisedBySimulator: response.system_fingerprint === SIMULATOR_UNRECOGNISED_FINGERPRINT };
}

/**
 * A response's usage as s2d counts it; `cachedPromptTokens` only when the endpoint reports cached prompt tokens
 * (OpenAI's `prompt_tokens_details.cached_tokens`; vLLM and others may send it too), so cached-prompt prices apply.
 */
export function usageOf(usage: OpenAI.CompletionUsage | undefined): TokenUsage {
  const counted: TokenUsage = { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 };
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  // Never more than the prompt: cached tokens are a part of it.
  if (typeof cached === 'number' && Number.isFinite(cached) && cached >= 0) counted.cachedPromptTokens = Math.min(cached, counted.promptTokens);
  return counted;
}
