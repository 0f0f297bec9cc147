import OpenAI from 'openai';
import type { ChatMessage, TokenUsage } from '../core-types.js';
import { estimatePromptTokens, type RequestGate } from '../limits/endpoint-limiter.js';
import { chatRequestBody } from './chat-request-body.js';
import { prefetchableIndices, requestsUseN } from './n-requests.js';
import { callCacheKey, type CachedCompletion, type CallCache } from './call-cache.js';
import { reportFailureToLease } from './report-to-lease.js';
import type { Completion, SampleOptions, Sampler, SamplingParams } from './sampler.js';
import { readCompletion } from './read-completion.js';

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
  /** Fleet-wide admission (rate, token and adaptive concurrency limits) before each request. Default: none. */
  gate?: RequestGate;
  /** Called once per request actually sent, with its usage (for cost accounting) and what the response said of itself. */
  onRequest?: (usage: TokenUsage, response: ResponseInfo) => Promise<void> | void;
  /** Who is asking (`<runId>#<index>`), for the gate's rule that an outage takes failures of different items. */
  requester?: string;
  /**
   * Records a paid response in one step: its completions (call-cache entries, written before anything else can fail)
   * and its usage. When given, it replaces `cache.putMany` + `onRequest` for responses (reads still use `cache`).
   */
  recordResponse?: RecordResponse;
}

/** Stores a paid response's completions and counts its usage, atomically (see OpenAiSamplerOptions.recordResponse). */
export type RecordResponse = (entries: readonly { key: string; value: CachedCompletion }[], usage: TokenUsage, response: ResponseInfo) => Promise<void>;

/** What one response says about itself, beyond its text and usage. */
export interface ResponseInfo {
  /** The s2d LLM simulator answered without recognising the prompt: its choices are guesses. */
  unrecognisedBySimulator: boolean;
}

/** The production Sampler: the official `openai` client against any OpenAI-compatible endpoint, behind a call cache. */
export class OpenAiSampler implements Sampler {
  constructor(private readonly options: OpenAiSamplerOptions) {}

  async sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams, options: SampleOptions = {}): Promise<Completion[]> {
    const { model, seed, cache } = this.options;
    const keyOf = (index: number): string => callCacheKey(model, messages, { ...params, seed }, index);
    const cached = await cache.getMany(sampleIndices.map(keyOf));
    const missing = sampleIndices.filter((_index, position) => cached[position] === null);
    const extra = missing.length === 0 ? [] : await prefetchableIndices(missing, options.prefetchUntil, this.usesN(), this.options.cache, keyOf);
    const fresh = missing.length === 0 ? new Map<number, CachedCompletion>() : await this.fetch(messages, missing, params, keyOf, extra);
    return sampleIndices.map((index, position) => {
      const hit = cached[position];
      if (hit !== null && hit !== undefined) return { ...hit, cached: true };
      return { ...mustGet(fresh, index), cached: false };
    });
  }

  private async record(entries: readonly { key: string; value: CachedCompletion }[], usage: TokenUsage, info: ResponseInfo): Promise<void> {
    const { recordResponse, cache, onRequest } = this.options;
    if (recordResponse !== undefined) return recordResponse(entries, usage, info);
    await cache.putMany(entries);
    await onRequest?.(usage, info);
  }

  private usesN(): boolean {
    return requestsUseN(this.options.useN, this.options.nSupport);
  }

  private async fetch(
    messages: readonly ChatMessage[],
    indices: readonly number[],
    params: SamplingParams,
    keyOf: (index: number) => string,
    extra: readonly number[] = [],
  ): Promise<Map<number, CachedCompletion>> {
    const out = new Map<number, CachedCompletion>();
    const { useN, nSupport } = this.options;
    let remaining = [...indices];
    if (remaining.length + extra.length > 1 && this.usesN()) {
      const asked = [...remaining, ...extra];
      const got = await this.request(messages, asked, params, out, keyOf);
      // A server that ignores `n` returns one choice: remember it and fetch the rest (never the extras) one by one.
      if (useN === 'auto') nSupport.honoured = got === asked.length;
      remaining = remaining.slice(got);
    }
    // allSettled: when one request fails, the others still finish and land in the cache before the error surfaces,
    // so the retry of this item pays only for the request that failed.
    const settled = await Promise.allSettled(remaining.map((index) => this.request(messages, [index], params, out, keyOf)));
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    return out;
  }

  /**
   * Sends one request for `indices.length` choices (n), caches each returned choice under its sample index at once —
   * before anything else can fail — and returns how many choices came back.
   */
  private async request(
    messages: readonly ChatMessage[],
    indices: readonly number[],
    params: SamplingParams,
    out: Map<number, CachedCompletion>,
    keyOf: (index: number) => string,
  ): Promise<number> {
    const n = indices.length;
    // The reservation covers the worst case (every choice runs to maxTokens); settling returns what was not used.
    const lease = await this.options.gate?.acquire(estimatePromptTokens(messages) + params.maxTokens * n, this.options.requester);
    let response: OpenAI.Chat.Completions.ChatCompletion;
    try {
      response = await this.options.client.chat.completions.create(chatRequestBody(this.options.model, messages, n, params, this.options.seed, indices[0] ?? 0));
    } catch (error) {
      if (lease !== undefined) await reportFailureToLease(lease, error);
      throw error;
    }
    const { usage, choices, unrecognisedBySimulator } = readCompletion(response, n);
    const entries: { key: string; value: CachedCompletion }[] = [];
    choices.forEach((value, position) => {
      const index = indices[position];
      if (index === undefined) return;
      out.set(index, value);
      entries.push({ key: keyOf(index), value });
    });
    const info = { unrecognisedBySimulator };
    // The lease's report and the response's record go out together (one round trip, not two): the report never
    // fails (a lost one lapses with its lease), and nothing in the record waits on it.
    await Promise.all([lease?.succeeded((response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0)), this.record(entries, usage, info)]);
    return choices.length;
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
  /**
   * Retries inside the SDK. Default 0, deliberately: the SDK would also retry 429s (and 408/409/5xx) on its own,
   * behind the limiter's back. One owner per retry layer: 429s go to the limiter and a delayed re-queue, everything
   * else retryable to BullMQ attempts with exponential backoff (shared/queue/job-options.ts).
   */
  maxRetries?: number;
  /** The fetch the client sends with (e.g. one that counts requests for the worker's metrics). Default: global fetch. */
  fetch?: typeof fetch;
}

export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 0,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}
