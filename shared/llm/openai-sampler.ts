import OpenAI from 'openai';
import type { ChatMessage, TokenUsage } from '../core-types.js';
import { callCacheKey, type CachedCompletion, type CallCache } from './call-cache.js';
import type { Completion, Sampler, SamplingParams } from './sampler.js';
import { splitUsage } from './split-usage.js';

/** Whether an endpoint returns `n` choices when asked; learned once per process and endpoint in `auto` mode. */
export interface NSupport {
  honoured: boolean | undefined;
}

export interface OpenAiSamplerOptions {
  client: OpenAI;
  model: string;
  /** Base seed; the request for sample i (or a batch starting at i) carries seed + i. */
  seed: number;
  /** `auto`: ask for n and fall back to one request per sample when fewer choices come back. */
  useN: 'auto' | 'always' | 'never';
  nSupport: NSupport;
  cache: CallCache;
  /** Called once per request actually sent, with its usage (for cost accounting). */
  onRequest?: (usage: TokenUsage) => Promise<void> | void;
}

/** The production Sampler: the official `openai` client against any OpenAI-compatible endpoint, behind a call cache. */
export class OpenAiSampler implements Sampler {
  constructor(private readonly options: OpenAiSamplerOptions) {}

  async sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams): Promise<Completion[]> {
    const { model, seed, cache } = this.options;
    const keys = sampleIndices.map((index) => callCacheKey(model, messages, { ...params, seed }, index));
    const cached = await cache.getMany(keys);
    const missing = sampleIndices.filter((_index, position) => cached[position] === null);
    const fresh = missing.length === 0 ? new Map<number, CachedCompletion>() : await this.fetch(messages, missing, params);
    await cache.putMany(missing.map((index) => ({ key: keys[sampleIndices.indexOf(index)] ?? '', value: mustGet(fresh, index) })));
    return sampleIndices.map((index, position) => {
      const hit = cached[position];
      if (hit !== null && hit !== undefined) return { ...hit, cached: true };
      return { ...mustGet(fresh, index), cached: false };
    });
  }

  private async fetch(messages: readonly ChatMessage[], indices: readonly number[], params: SamplingParams): Promise<Map<number, CachedCompletion>> {
    const out = new Map<number, CachedCompletion>();
    const { useN, nSupport } = this.options;
    let remaining = [...indices];
    if (remaining.length > 1 && useN !== 'never' && (useN === 'always' || nSupport.honoured !== false)) {
      const texts = await this.request(messages, remaining.length, remaining[0] ?? 0, params, out, remaining);
      // A server that ignores `n` returns one choice: remember it and fetch the rest one by one.
      if (useN === 'auto') nSupport.honoured = texts === remaining.length;
      remaining = remaining.slice(texts);
    }
    await Promise.all(remaining.map((index) => this.request(messages, 1, index, params, out, [index])));
    return out;
  }

  /** Sends one request; stores its choices under the given sample indices; returns how many choices came back. */
  private async request(
    messages: readonly ChatMessage[],
    n: number,
    firstIndex: number,
    params: SamplingParams,
    out: Map<number, CachedCompletion>,
    indices: readonly number[],
  ): Promise<number> {
    const response = await this.options.client.chat.completions.create({
      model: this.options.model,
      messages: messages.map((message) => ({ role: message.role, content: message.content })),
      n,
      temperature: params.temperature,
      // max_tokens and seed are deprecated by OpenAI but are what vLLM, TGI, Ollama and llama.cpp understand;
      // the seed is what makes sample i reproducible on servers that honour it.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      max_tokens: params.maxTokens,
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      seed: this.options.seed + firstIndex,
    });
    const texts = response.choices
      .slice()
      .sort((a, b) => a.index - b.index)
      .slice(0, n)
      .map((choice) => choice.message.content ?? '');
    const usage: TokenUsage = {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      completionTokens: response.usage?.completion_tokens ?? 0,
    };
    await this.options.onRequest?.(usage);
    const shares = splitUsage(usage, texts);
    texts.forEach((text, position) => {
      const index = indices[position];
      const share = shares[position];
      if (index !== undefined && share !== undefined) out.set(index, { text, usage: share });
    });
    return texts.length;
  }
}

function mustGet(map: Map<number, CachedCompletion>, index: number): CachedCompletion {
  const value = map.get(index);
  if (value === undefined) throw new Error(`no completion was fetched for sample ${index}`);
  return value;
}

export interface OpenAiClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout, ms. */
  timeoutMs: number;
  /** SDK-level retries of transient faults (connection errors, 5xx); BullMQ attempts sit outside. Default 2. */
  maxRetries?: number;
}

export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 2,
  });
}
