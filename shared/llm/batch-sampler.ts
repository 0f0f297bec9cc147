import { createHash } from 'node:crypto';
import { APIError } from 'openai';
import type { ChatMessage } from '../core-types.js';
import type { BatchStore, NewBatchRequest } from '../batch/batch-store.js';
import type { BatchRequestRecord } from '../batch/batch-records.js';
import type { BatchRound } from './batch-round.js';
import { callCacheKey, type CallCache } from './call-cache.js';
import { chatRequestBody } from './chat-request-body.js';
import { prefetchableIndices, requestsUseN } from './n-requests.js';
import type { NSupport } from './openai-sampler.js';
import type { Completion, SampleOptions, Sampler, SamplingParams } from './sampler.js';

/** The endpoint every batch line targets (the only one s2d sends). */
export const BATCH_ENDPOINT = '/v1/chat/completions';

export interface BatchSamplerOptions {
  model: string;
  /** Base seed, as online: the request for samples starting at i carries seed + i. */
  seed: number;
  useN: 'auto' | 'always' | 'never';
  nSupport: NSupport;
  /** The item's call cache (reads): answers the batcher has written. */
  cache: CallCache;
  /** The item's call-cache hash key, where the batcher writes its answers. */
  cacheKey: string;
  store: BatchStore;
  runId: string;
  item: number;
  round: BatchRound;
}

/**
 * The Sampler of a `model.mode: batch` item: answers from the item's call cache, and for a call not in it registers
 * the request the online sampler would have sent (the same body, `n` and seed included) as a pending batch request,
 * then blocks (see BatchRound). A request the batcher gave up on is thrown as the error an online call would have
 * met, so the item's failure is handled as online (shared/llm/classify-llm-error.ts).
 */
export class BatchSampler implements Sampler {
  constructor(private readonly options: BatchSamplerOptions) {}

  async sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams, options: SampleOptions = {}): Promise<Completion[]> {
    const { round } = this.options;
    round.enter();
    let answer: { done: Completion[] } | { waiting: string[] };
    try {
      answer = await this.lookUpOrRegister(messages, sampleIndices, params, options);
    } catch (error) {
      round.leave();
      throw error;
    }
    if ('waiting' in answer) return round.block(answer.waiting);
    round.leave();
    return answer.done;
  }

  /** The completions when all are cached (now or after registering found them), else the custom_ids waited for. */
  private async lookUpOrRegister(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams, options: SampleOptions): Promise<{ done: Completion[] } | { waiting: string[] }> {
    const { model, seed, cache } = this.options;
    const keyOf = (index: number): string => callCacheKey(model, messages, { ...params, seed }, index);
    const fromCache = async (): Promise<Completion[] | null> => {
      const cached = await cache.getMany(sampleIndices.map(keyOf));
      if (cached.some((entry) => entry === null)) return null;
      return cached.flatMap((entry) => (entry === null ? [] : [{ ...entry, cached: true }]));
    };
    const cached = await cache.getMany(sampleIndices.map(keyOf));
    const missing = sampleIndices.filter((_index, position) => cached[position] === null);
    if (missing.length === 0) return { done: cached.flatMap((entry) => (entry === null ? [] : [{ ...entry, cached: true }])) };
    const extra = await prefetchableIndices(missing, options.prefetchUntil, this.usesN(), cache, keyOf);
    const requests = this.plan(missing, extra).map((asked) => this.request(messages, asked, params, keyOf));
    const outcomes = await this.options.store.register(this.options.runId, this.options.cacheKey, requests);
    for (const outcome of outcomes) if (outcome.kind === 'failed') throw failureOf(outcome.record);
    const waiting = requests.filter((_request, position) => outcomes[position]?.kind !== 'cached').map((request) => request.customId);
    if (waiting.length > 0) return { waiting };
    // Every request was answered between the look and the registration: the cache has them now — unless a line came
    // back with fewer choices than asked, when the look again registers the indices still missing.
    const now = await fromCache();
    return now === null ? this.lookUpOrRegister(messages, sampleIndices, params, options) : { done: now };
  }

  private usesN(): boolean {
    return requestsUseN(this.options.useN, this.options.nSupport);
  }

  /** The sample indices of each request: one `n` request for all, or one request per index. */
  private plan(missing: readonly number[], extra: readonly number[]): number[][] {
    if (missing.length + extra.length > 1 && this.usesN()) return [[...missing, ...extra]];
    return missing.map((index) => [index]);
  }

  private request(messages: readonly ChatMessage[], asked: readonly number[], params: SamplingParams, keyOf: (index: number) => string): NewBatchRequest {
    const { model, seed, runId, item, cacheKey } = this.options;
    const fields = asked.map(keyOf);
    const customId = batchCustomId(runId, item, fields[0] ?? '', asked.length);
    const body = chatRequestBody(model, messages, asked.length, params, seed, asked[0] ?? 0);
    const line = JSON.stringify({ custom_id: customId, method: 'POST', url: BATCH_ENDPOINT, body });
    return { customId, record: { item, cache: cacheKey, fields, line, tries: 0, state: 'pending' } };
  }
}

/**
 * A request's custom_id: run, item and a digest of its first call key and choice count — stable across replays and
 * workers, so registering it again finds it, and unique in the run, so a batch never holds it twice.
 */
export function batchCustomId(runId: string, item: number, firstCallKey: string, n: number): string {
  const digest = createHash('sha256').update(`${firstCallKey}:${n}`).digest('hex').slice(0, 20);
  return `${runId}:${item}:${digest}`;
}

/** The error an online call would have thrown for this request's last failure (classified the same way). */
function failureOf(record: BatchRequestRecord): Error {
  const message = `batch request failed: ${record.reason ?? 'no reason recorded'}`;
  if (record.status === undefined) return new Error(message);
  return APIError.generate(record.status, { error: { message } }, message, new Headers());
}
