import { createHash } from 'node:crypto';
import type { RedisConnection } from '../queue/redis-connection.js';
import { LuaScript, readLua } from '../queue/lua-script.js';
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

/**
 * How long an item's call cache outlives the first write of the execution that wrote it last, seconds: a safety net
 * for items that never finish (e.g. a cancelled run). 7 days.
 */
export const CALL_CACHE_TTL_SECONDS = 7 * 24 * 3600;

const CACHE_PUT = new LuaScript(readLua(new URL('./lua/cache-put.lua', import.meta.url)));

/** A cache hash's field, value pairs for these entries (the value as {@link RedisItemCallCache} reads it). */
export function cacheFields(entries: readonly { key: string; value: CachedCompletion }[]): [string, string][] {
  return entries.map((entry) => [entry.key, JSON.stringify(entry.value)]);
}

/**
 * Per-item cache in one Redis hash; the worker deletes it once the item's result is durable. Its expiry is set with
 * the first write of this object (one execution of the item), not renewed on every write.
 */
export class RedisItemCallCache implements CallCache {
  constructor(
    private readonly redis: RedisConnection,
    private readonly hashKey: string,
    /** Safety net for items that never finish (e.g. a cancelled run): entries expire after this many seconds. */
    private readonly ttlSeconds = CALL_CACHE_TTL_SECONDS,
  ) {}

  /** Whether a write of this object has set the hash's expiry. */
  private expiring = false;

  /** Lookups waiting for the next HMGET: the concurrent samplers of one item share one round trip. */
  private lookups: { keys: readonly string[]; resolve: (values: (string | null)[]) => void; reject: (error: unknown) => void }[] = [];

  async getMany(keys: readonly string[]): Promise<(CachedCompletion | null)[]> {
    if (keys.length === 0) return [];
    const values = await new Promise<(string | null)[]>((resolve, reject) => {
      this.lookups.push({ keys, resolve, reject });
      if (this.lookups.length === 1) setImmediate(() => void this.lookUp());
    });
    return values.map((value) => (value === null ? null : (JSON.parse(value) as CachedCompletion)));
  }

  /** Answers every waiting lookup with one HMGET. */
  private async lookUp(): Promise<void> {
    const batch = this.lookups;
    this.lookups = [];
    try {
      const values = await this.redis.hmget(this.hashKey, ...batch.flatMap((lookup) => lookup.keys));
      let offset = 0;
      for (const lookup of batch) {
        lookup.resolve(values.slice(offset, offset + lookup.keys.length));
        offset += lookup.keys.length;
      }
    } catch (error) {
      for (const lookup of batch) lookup.reject(error);
    }
  }

  async putMany(entries: readonly { key: string; value: CachedCompletion }[]): Promise<void> {
    if (entries.length === 0) return;
    await CACHE_PUT.run(this.redis, [this.hashKey], [this.expiring ? 0 : this.ttlSeconds, ...cacheFields(entries).flat()]);
    this.expiring = true;
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
