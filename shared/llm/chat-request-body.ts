import type OpenAI from 'openai';
import type { ChatMessage } from '../core-types.js';
import type { SamplingParams } from './sampler.js';

/**
 * The chat-completions request for `n` choices starting at sample `firstIndex`: what an online call sends, and what a
 * batch-mode call puts in its batch line's `body` — the same body, so the same seed gives the same choices either way.
 */
export function chatRequestBody(
  model: string,
  messages: readonly ChatMessage[],
  n: number,
  params: SamplingParams,
  seed: number,
  firstIndex: number,
): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model,
    messages: messages.map((message) => ({ role: message.role, content: message.content })),
    n,
    temperature: params.temperature,
    // max_tokens and seed are deprecated by OpenAI but are what vLLM, TGI, Ollama and llama.cpp understand;
    // the seed is what makes sample i reproducible on servers that honour it.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    max_tokens: params.maxTokens,
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    seed: seed + firstIndex,
  };
}
