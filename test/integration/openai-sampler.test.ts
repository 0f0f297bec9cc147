import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { MemoryCallCache } from '../../shared/llm/call-cache.js';
import { createOpenAiClient, OpenAiSampler, type NSupport } from '../../shared/llm/openai-sampler.js';
import type { ChatMessage } from '../../shared/core-types.js';

const MESSAGES: ChatMessage[] = [{ role: 'user', content: 'Take the last letter of each word in "Ada Lovelace" and join them. Think step by step.' }];
const PARAMS = { temperature: 0.8, maxTokens: 256 };

// The real openai client over real HTTP against the simulator: what the workers run in production.
describe('OpenAiSampler', () => {
  let honours: Awaited<ReturnType<typeof startSimulator>>;
  let ignores: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    honours = await startSimulator({ seed: 4, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    ignores = await startSimulator({ seed: 4, honourN: false, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
  });
  afterAll(async () => {
    await Promise.all([honours.close(), ignores.close()]);
  });

  const sampler = (
    baseUrl: string,
    options: { useN?: 'auto' | 'always' | 'never'; nSupport?: NSupport; cache?: MemoryCallCache; paid?: number[]; unrecognised?: boolean[] } = {},
  ) =>
    new OpenAiSampler({
      client: createOpenAiClient({ baseUrl, apiKey: 'test', timeoutMs: 10_000, maxRetries: 0 }),
      model: 'sim-llama-2-70b-chat',
      seed: 10,
      useN: options.useN ?? 'auto',
      nSupport: options.nSupport ?? { honoured: undefined },
      cache: options.cache ?? new MemoryCallCache(),
      onRequest: (usage, response) => {
        options.paid?.push(usage.completionTokens);
        options.unrecognised?.push(response.unrecognisedBySimulator);
      },
    });

  it('asks for all samples in one request when the server honours n, and splits its usage across them', async () => {
    honours.resetStats();
    const paid: number[] = [];
    const completions = await sampler(honours.baseUrl, { paid }).sample(MESSAGES, [0, 1, 2, 3, 4, 5, 6, 7], PARAMS);
    expect(completions).toHaveLength(8);
    expect(honours.stats().requests).toBe(1);
    expect(new Set(completions.map((c) => c.text)).size).toBeGreaterThan(1);
    expect(completions.reduce((sum, c) => sum + c.usage.completionTokens, 0)).toBe(paid[0]);
    expect(completions.every((c) => !c.cached)).toBe(true);
  });

  it('prefetches later rounds in the same n request (prefetchUntil), and never when requests go one per sample', async () => {
    const cache = new MemoryCallCache();
    honours.resetStats();
    const round1 = await sampler(honours.baseUrl, { cache }).sample(MESSAGES, [0, 1], PARAMS, { prefetchUntil: 8 });
    expect(round1).toHaveLength(2);
    expect(honours.stats().requests).toBe(1);
    // Later rounds find their completions in the cache: no request, and a retry of round 1 neither.
    const later = await sampler(honours.baseUrl, { cache }).sample(MESSAGES, [2, 3, 4, 5, 6, 7], PARAMS, { prefetchUntil: 8 });
    expect(later.every((c) => c.cached)).toBe(true);
    expect(honours.stats().requests).toBe(1);
    // Without prefetch the same indices are the same completions (the cache key is per sample index).
    const plain = await sampler(honours.baseUrl).sample(MESSAGES, [0, 1, 2, 3, 4, 5, 6, 7], PARAMS);
    expect(plain.map((c) => c.text)).toEqual([...round1, ...later].map((c) => c.text));

    ignores.resetStats();
    const one = await sampler(ignores.baseUrl, { useN: 'never' }).sample(MESSAGES, [0], PARAMS, { prefetchUntil: 8 });
    expect(one).toHaveLength(1);
    expect(ignores.stats().requests).toBe(1);
    // An endpoint found to ignore n: only the asked-for indices are fetched one by one, never the prefetch.
    const learning: NSupport = { honoured: undefined };
    ignores.resetStats();
    await sampler(ignores.baseUrl, { nSupport: learning }).sample(MESSAGES, [0, 1], PARAMS, { prefetchUntil: 8 });
    expect(learning.honoured).toBe(false);
    expect(ignores.stats().requests).toBe(2);
  });

  it('reports, per response, whether the simulator recognised the prompt; unrecognised samples are varied guesses', async () => {
    const unrecognised: boolean[] = [];
    await sampler(honours.baseUrl, { unrecognised }).sample(MESSAGES, [0, 1, 2, 3], PARAMS);
    const guesses = await sampler(honours.baseUrl, { unrecognised }).sample(
      [{ role: 'user', content: 'What is a good name for a pet turtle? Think it through step by step.' }],
      [0, 1, 2, 3, 4, 5, 6, 7],
      PARAMS,
    );
    expect(unrecognised).toEqual([false, true]);
    expect(new Set(guesses.map((c) => c.text)).size).toBeGreaterThan(4);
    // Greedy decoding stays deterministic, recognised or not.
    const greedy = await sampler(honours.baseUrl).sample([{ role: 'user', content: 'What is a good name for a pet turtle?' }], [0, 1, 2], { ...PARAMS, temperature: 0 });
    expect(new Set(greedy.map((c) => c.text)).size).toBe(1);
  });

  it('notices a server that ignores n, fetches the rest one by one, and remembers it for the next call', async () => {
    ignores.resetStats();
    const nSupport: NSupport = { honoured: undefined };
    const first = await sampler(ignores.baseUrl, { nSupport }).sample(MESSAGES, [0, 1, 2, 3], PARAMS);
    expect(first).toHaveLength(4);
    expect(nSupport.honoured).toBe(false);
    expect(ignores.stats().requests).toBe(4); // one n=4 request answered with 1 choice, then 3 single requests
    expect(new Set(first.map((c) => c.text)).size).toBeGreaterThan(1);
    ignores.resetStats();
    await sampler(ignores.baseUrl, { nSupport }).sample(MESSAGES, [0, 1, 2, 3], { ...PARAMS, maxTokens: 200 });
    expect(ignores.stats().requests).toBe(4); // straight to single requests
  });

  it('never pays twice for a sample index, and never collapses different indices into one', async () => {
    honours.resetStats();
    const cache = new MemoryCallCache();
    const first = await sampler(honours.baseUrl, { cache }).sample(MESSAGES, [0, 1, 2], PARAMS);
    const again = await sampler(honours.baseUrl, { cache }).sample(MESSAGES, [0, 1, 2], PARAMS);
    expect(honours.stats().requests).toBe(1);
    expect(again.map((c) => c.text)).toEqual(first.map((c) => c.text));
    expect(again.every((c) => c.cached)).toBe(true);
    // Indices 3 and 4 are new: exactly one more request, for just those two.
    const wider = await sampler(honours.baseUrl, { cache }).sample(MESSAGES, [0, 1, 2, 3, 4], PARAMS);
    expect(honours.stats().requests).toBe(2);
    expect(wider.slice(0, 3).map((c) => c.text)).toEqual(first.map((c) => c.text));
    expect(wider.map((c) => c.cached)).toEqual([true, true, true, false, false]);
  });

  it('caches every successful request at once, so after a partial failure only the failed requests are paid again', async () => {
    const flaky = await startSimulator({ seed: 4, faults: { rate500: 0.3 }, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    try {
      const cache = new MemoryCallCache();
      let failures = 0;
      let completions: Awaited<ReturnType<OpenAiSampler['sample']>> = [];
      for (let attempt = 0; attempt < 50 && completions.length === 0; attempt += 1) {
        completions = await sampler(flaky.baseUrl, { useN: 'never', cache }).sample(MESSAGES, [0, 1, 2, 3, 4, 5, 6, 7], PARAMS).catch(() => {
          failures += 1;
          return [];
        });
      }
      expect(failures).toBeGreaterThan(0);
      expect(completions).toHaveLength(8);
      // Eight samples, eight successful (paid) requests, however many attempts it took.
      expect(flaky.stats().byStatus['200']).toBe(8);
    } finally {
      await flaky.close();
    }
  });

  it('with useN "never" sends one request per sample, each with its own seed', async () => {
    honours.resetStats();
    const completions = await sampler(honours.baseUrl, { useN: 'never' }).sample(MESSAGES, [0, 1, 2, 3, 4, 5], PARAMS);
    expect(honours.stats().requests).toBe(6);
    expect(new Set(completions.map((c) => c.text)).size).toBeGreaterThan(1);
  });
});
