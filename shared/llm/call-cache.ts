import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ChatMessage, TokenUsage } from '../core-types.js';
import type { SamplingParams } from './sampler.js';

export interface CachedCompletion {
  text: string;
  usage: TokenUsage;
}

/**
 * Completions already paid for, keyed per (model, messages, params, sample index). Only successful completions are
 * ever stored, and each sample index has its own entry, so a cache never collapses N samples into one.
 */
export interface CallCache {
  getMany(keys: readonly string[]): Promise<(CachedCompletion | null)[]>;
  putMany(entries: readonly { key: string; value: CachedCompletion }[]): Promise<void>;
}

export function callCacheKey(
  model: string,
  messages: readonly ChatMessage[],
  params: SamplingParams & { seed: number },
  sampleIndex: number,
): string {
  const canonical = JSON.stringify([model, messages.map((m) => [m.role, m.content]), params.temperature, params.maxTokens, params.seed, sampleIndex]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Per-item cache in one Redis hash; the worker deletes it once the item's result is durable. */
export class RedisItemCallCache implements CallCache {
  constructor(
    private readonly redis: Redis,
    private readonly hashKey: string,
    /** Safety net for items that never finish (e.g. a cancelled run): entries expire after this many seconds. */
    private readonly ttlSeconds = 7 * 24 * 3600,
  ) {}

  async getMany(keys: readonly string[]): Promise<(CachedCompletion | null)[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.hmget(this.hashKey, ...keys);
    return values.map((value) => (value === null ? null : (JSON.parse(value) as CachedCompletion)));
  }

  async putMany(entries: readonly { key: string; value: CachedCompletion }[]): Promise<void> {
    if (entries.length === 0) return;
    const fields: Record<string, string> = {};
    for (const entry of entries) fields[entry.key] = JSON.stringify(entry.value);
    await this.redis.multi().hset(this.hashKey, fields).expire(this.hashKey, this.ttlSeconds).exec();
  }
}

/** In-process cache for evaluation runs and tests. */
export class MemoryCallCache implements CallCache {
  private readonly entries = new Map<string, CachedCompletion>();

  getMany(keys: readonly string[]): Promise<(CachedCompletion | null)[]> {
    return Promise.resolve(keys.map((key) => this.entries.get(key) ?? null));
  }

  putMany(entries: readonly { key: string; value: CachedCompletion }[]): Promise<void> {
    for (const entry of entries) this.entries.set(entry.key, entry.value);
    return Promise.resolve();
  }
}
