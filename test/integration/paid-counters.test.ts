import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runSpecSchema, type ResolvedRunSpec } from '../../shared/config/run-spec.js';
import type { TokenUsage } from '../../shared/core-types.js';
import { budgetCheckOf } from '../../shared/cost/resolve-prices.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, type ResolvedEvalSpec } from '../../shared/eval/eval-spec.js';
import { MemoryCallCache } from '../../shared/llm/call-cache.js';
import { createOpenAiClient, OpenAiSampler } from '../../shared/llm/openai-sampler.js';
import { itemCacheKey } from '../../shared/runs/run-keys.js';
import { paidCountersOf, RunStore } from '../../shared/runs/run-store.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

/**
 * An OpenAI-compatible endpoint that reports cached prompt tokens the way OpenAI does
 * (`usage.prompt_tokens_details.cached_tokens`), or none when `cached` is null.
 */
async function startCachingEndpoint(cached: number | null): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const n = (JSON.parse(body) as { n?: number }).n ?? 1;
      const choices = Array.from({ length: n }, (_, index) => ({ index, message: { role: 'assistant', content: `Answer: ${'yes'.repeat(index + 1)}` }, finish_reason: 'stop' }));
      const usage = { prompt_tokens: 1500, completion_tokens: 30, total_tokens: 1530, ...(cached === null ? {} : { prompt_tokens_details: { cached_tokens: cached } }) };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 0, model: 'm', choices, usage }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, close: () => new Promise((done) => server.close(() => { done(); })) };
}

const sampler = (baseUrl: string, paid: TokenUsage[]): OpenAiSampler =>
  new OpenAiSampler({
    client: createOpenAiClient({ baseUrl, apiKey: 'test', timeoutMs: 10_000 }),
    model: 'm',
    seed: 1,
    useN: 'always',
    nSupport: { honoured: undefined },
    cache: new MemoryCallCache(),
    onRequest: (usage) => {
      paid.push(usage);
    },
  });

describe('paid counters (real HTTP, real redis-server)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('records cached prompt tokens the endpoint reports, charged with the prompt to the first choice', async () => {
    const caching = await startCachingEndpoint(1024);
    const plain = await startCachingEndpoint(null);
    try {
      const paid: TokenUsage[] = [];
      const completions = await sampler(caching.baseUrl, paid).sample([{ role: 'user', content: 'Q?' }], [0, 1], { temperature: 0.8, maxTokens: 64 });
      expect(paid).toEqual([{ promptTokens: 1500, completionTokens: 30, cachedPromptTokens: 1024 }]);
      expect(completions.map((c) => c.usage.cachedPromptTokens)).toEqual([1024, 0]);
      expect(completions.map((c) => c.usage.promptTokens)).toEqual([1500, 0]);
      const unreported: TokenUsage[] = [];
      await sampler(plain.baseUrl, unreported).sample([{ role: 'user', content: 'Q?' }], [0], { temperature: 0.8, maxTokens: 64 });
      expect(unreported).toEqual([{ promptTokens: 1500, completionTokens: 30 }]);
    } finally {
      await Promise.all([caching.close(), plain.close()]);
    }
  });

  it('counts cached prompt tokens in the run store and prices them at cachedPromptUsdPerMTok for budget.maxCostUsd', async () => {
    const runs = new RunStore(redis, isolatedPrefix('paidcached'));
    const parsed = runSpecSchema.parse({
      input: 'in.jsonl',
      answerType: 'letters',
      // 1,000 prompt tokens all cached: $0.0001 a request at the cached price, $0.001 at the prompt price.
      model: { name: 'm', prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2, cachedPromptUsdPerMTok: 0.1 } },
      budget: { maxCostUsd: 0.00025 },
    });
    const spec: ResolvedRunSpec = { ...parsed, runId: 'cached-run', model: { ...parsed.model, baseUrl: 'http://127.0.0.1:9/v1' } };
    await runs.register(spec);
    const usage = { promptTokens: 1000, completionTokens: 0, cachedPromptTokens: 1000 };
    // Priced at the prompt price the first request would stop the run; at the cached price it takes three.
    expect(await runs.countRequest(spec.runId, usage, budgetCheckOf(spec))).toBe(false);
    expect(await runs.countRequest(spec.runId, usage, budgetCheckOf(spec))).toBe(false);
    expect(await runs.countRequest(spec.runId, usage, budgetCheckOf(spec))).toBe(true);
    const run = await runs.get(spec.runId);
    expect(run === null ? null : paidCountersOf(run)).toEqual({ requests: 3, promptTokens: 3000, completionTokens: 0, cachedPromptTokens: 3000 });
    expect(run?.stopDetail).toBe('budget.maxCostUsd 0.00025 reached (0.0003 USD paid)');
  });

  it('settles responses of one turn in one call: each cached and counted, in order, and only the one reaching the budget stops the run', async () => {
    const prefix = isolatedPrefix('paidsettle');
    const runs = new RunStore(redis, prefix);
    const parsed = runSpecSchema.parse({ input: 'in.jsonl', answerType: 'letters', model: { name: 'm' }, budget: { maxTokens: 250 } });
    const spec: ResolvedRunSpec = { ...parsed, runId: 'settle-run', model: { ...parsed.model, baseUrl: 'http://127.0.0.1:9/v1' } };
    await runs.register(spec);
    const other = await runs.register({ ...spec, runId: 'settle-other', budget: {} });
    expect(other).toBe(true);
    const usage = { promptTokens: 80, completionTokens: 20 };
    const cache = (item: number, field: string, ttlSeconds: number) => ({ key: itemCacheKey(prefix, 'settle-run', item), ttlSeconds, fields: [[field, `{"text":"${field}"}`]] as [string, string][] });
    // Five responses in one turn: two items of the budgeted run, one of another run; the third of the budgeted run's
    // responses reaches its 250 tokens.
    const stopped = await Promise.all([
      runs.settleRequest(spec.runId, cache(0, 'a', 60), usage, false, budgetCheckOf(spec)),
      runs.settleRequest(spec.runId, cache(1, 'b', 60), usage, true, budgetCheckOf(spec)),
      runs.settleRequest('settle-other', { key: itemCacheKey(prefix, 'settle-other', 0), ttlSeconds: 0, fields: [['c', '{}']] }, usage, false),
      runs.settleRequest(spec.runId, cache(0, 'd', 0), usage, false, budgetCheckOf(spec)),
      runs.settleRequest(spec.runId, cache(1, 'e', 0), usage, false, budgetCheckOf(spec)),
    ]);
    expect(stopped).toEqual([false, false, false, true, false]);
    const run = await runs.get(spec.runId);
    expect(run === null ? null : paidCountersOf(run)).toEqual({ requests: 4, promptTokens: 320, completionTokens: 80, cachedPromptTokens: 0 });
    expect(run?.unrecognisedBySimulator).toBe(1);
    expect(run?.state).toBe('cancelled');
    expect(run?.stopDetail).toBe('budget.maxTokens 250 reached (300 tokens paid)');
    const otherRun = await runs.get('settle-other');
    expect(otherRun === null ? null : paidCountersOf(otherRun)).toEqual({ requests: 1, promptTokens: 80, completionTokens: 20, cachedPromptTokens: 0 });
    expect(await redis.hkeys(itemCacheKey(prefix, 'settle-run', 0))).toEqual(['a', 'd']);
    expect(await redis.hkeys(itemCacheKey(prefix, 'settle-run', 1))).toEqual(['b', 'e']);
    expect(await redis.ttl(itemCacheKey(prefix, 'settle-run', 0))).toBeGreaterThan(50);
    // A cache whose every write asked to leave the expiry as it is has none.
    expect(await redis.ttl(itemCacheKey(prefix, 'settle-other', 0))).toBe(-1);
  });

  it('counts an eval\'s paid requests and tokens in the eval store', async () => {
    const evals = new EvalRunStore(redis, isolatedPrefix('paideval'));
    const parsed = evalSpecSchema.parse({ input: 'in.jsonl', answerType: 'number', model: { name: 'm' } });
    const spec: ResolvedEvalSpec = { ...parsed, evalId: 'e-1', model: { ...parsed.model, baseUrl: 'http://127.0.0.1:9/v1' } };
    await evals.register(spec);
    await evals.countRequest('e-1', { promptTokens: 100, completionTokens: 7 });
    await evals.countRequest('e-1', { promptTokens: 50, completionTokens: 3, cachedPromptTokens: 32 });
    expect((await evals.get('e-1'))?.paid).toEqual({ requests: 2, promptTokens: 150, completionTokens: 10, cachedPromptTokens: 32 });
  });
});
