import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { batchKey } from '../../shared/batch/batch-keys.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import { BatchRound } from '../../shared/llm/batch-round.js';
import { BatchSampler } from '../../shared/llm/batch-sampler.js';
import { callCacheKey, RedisItemCallCache } from '../../shared/llm/call-cache.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');
const PARAMS = { temperature: 0.8, maxTokens: 64 };
const messages = (text: string): { role: 'user'; content: string }[] => [{ role: 'user', content: text }];

describe('BatchSampler on a real Redis: registration, rounds, replay from the cache', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  const setUp = (prefix: string, round = new BatchRound()): { sampler: BatchSampler; round: BatchRound; store: BatchStore; cacheKey: string } => {
    const cacheKey = `${prefix}:cache:run:0`;
    const store = new BatchStore(redis, prefix);
    const sampler = new BatchSampler({ model: 'm', seed: 1, useN: 'auto', nSupport: { honoured: undefined }, cache: new RedisItemCallCache(redis, cacheKey), cacheKey, store, runId: 'run', item: 0, round });
    return { sampler, round, store, cacheKey };
  };

  it('a round registers every call the program can make, each once; a replay finds the answers', async () => {
    const prefix = isolatedPrefix('batch-sampler');
    const first = setUp(prefix);
    // Two concurrent steps: one asks 4 samples (one n = 4 line), the other one sample.
    void first.sampler.sample(messages('a'), [0, 1, 2, 3], PARAMS);
    void first.sampler.sample(messages('b'), [0], PARAMS);
    await first.round.quiet;
    expect(first.round.waitingFor.size).toBe(2);
    const pending = await first.store.pending('run');
    expect(pending.count).toBe(2);
    const [aRecord] = await first.store.requests('run', [...first.round.waitingFor]);
    expect(JSON.parse(aRecord?.line ?? '{}')).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'm', n: 4, seed: 1, max_tokens: 64, temperature: 0.8 } });

    // A replay before the answers: the same requests, registered once.
    const again = setUp(prefix);
    void again.sampler.sample(messages('a'), [0, 1, 2, 3], PARAMS);
    void again.sampler.sample(messages('b'), [0], PARAMS);
    await again.round.quiet;
    expect((await again.store.pending('run')).count).toBe(2);
    expect([...again.round.waitingFor]).toEqual([...first.round.waitingFor]);

    // The answers land in the item's call cache (as the batcher writes them): the next replay returns them.
    const value = (text: string): string => JSON.stringify({ text, usage: { promptTokens: 1, completionTokens: 1 } });
    const fields = [0, 1, 2, 3].flatMap((i) => [callCacheKey('m', messages('a'), { ...PARAMS, seed: 1 }, i), value(`a${i}`)]);
    await redis.hset(first.cacheKey, ...fields, callCacheKey('m', messages('b'), { ...PARAMS, seed: 1 }, 0), value('b0'));
    const replay = setUp(prefix);
    const [a, b] = await Promise.all([replay.sampler.sample(messages('a'), [0, 1, 2, 3], PARAMS), replay.sampler.sample(messages('b'), [0], PARAMS)]);
    expect(a.map((c) => c.text)).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(b.map((c) => [c.text, c.cached])).toEqual([['b0', true]]);
    expect(replay.round.waitingFor.size).toBe(0);
  });

  it('a request the batcher gave up on is thrown as the online error, classified the same way, and consumed', async () => {
    const prefix = isolatedPrefix('batch-sampler-failed');
    const first = setUp(prefix);
    void first.sampler.sample(messages('poison'), [0], PARAMS);
    await first.round.quiet;
    const [id] = [...first.round.waitingFor];
    if (id === undefined) throw new Error('nothing registered');
    const [record] = await first.store.requests('run', [id]);
    if (record === null || record === undefined) throw new Error('no record');
    await redis.hset(batchKey(prefix, 'run', 'requests'), id, JSON.stringify({ ...record, state: 'failed', status: 400, reason: 'bad request' }));
    const replay = setUp(prefix);
    const error: unknown = await replay.sampler.sample(messages('poison'), [0], PARAMS).catch((caught: unknown) => caught);
    expect(classifyLlmError(error)).toMatchObject({ kind: 'fatal-item', reason: expect.stringContaining('bad request') as unknown });
    // Consumed: the item's next attempt sends it anew.
    expect(await first.store.requests('run', [id])).toEqual([null]);
  });
});
