/* eslint-disable @typescript-eslint/no-deprecated -- seed, max_tokens and system_fingerprint are deprecated by OpenAI but
   still sent and read by the OpenAI-compatible servers s2d targets (vLLM, llama.cpp, Ollama); the simulator honours them. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { apiError } from '../helpers/api-error.js';

/** Drives the simulator over real HTTP with the official client, exactly as workers do. */
const MODEL = 'sim-llama-2-70b-chat';
const COT = 'Take the last letter of each word in "Elon Musk" and join them together.\n\nWork through this step by step before you commit to an answer. Finish with one last line of the form "Answer: <your answer>".';

function client(sim: RunningSimulator): OpenAI {
  return new OpenAI({ baseURL: sim.baseUrl, apiKey: 'sim-key', maxRetries: 0, timeout: 20_000 });
}

describe('simulator over HTTP with the openai client', () => {
  let sim: RunningSimulator;
  let openai: OpenAI;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, faults: { retryAfterSeconds: 2, slowDelayMs: 30 } });
    openai = client(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('binds to 127.0.0.1 and lists its models', async () => {
    expect(sim.baseUrl).toBe(`http://127.0.0.1:${sim.port}/v1`);
    const models = await openai.models.list();
    const ids = models.data.map((m) => m.id);
    expect(ids).toContain(MODEL);
    for (const m of models.data) expect(m.owned_by).toBe('s2d-simulator');
  });

  it('returns n choices with usage, labelled as the simulator', async () => {
    sim.resetStats();
    const { data, response } = await openai.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: COT }], n: 4, temperature: 0.8, seed: 1, max_tokens: 512 })
      .withResponse();
    expect(response.headers.get('x-s2d-simulator')).toBe('1');
    expect(response.headers.get('x-s2d-simulator-recognised')).toBe('true');
    expect(data.system_fingerprint).toBe('s2d-simulator');
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe(MODEL);
    expect(data.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    for (const c of data.choices) {
      expect(c.message.role).toBe('assistant');
      expect(c.message.content?.length).toBeGreaterThan(20);
      expect(c.finish_reason).toBe('stop');
    }
    const usage = data.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(20);
    expect(usage?.completion_tokens).toBeGreaterThan(4 * 20);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    const stats = sim.stats();
    expect(stats.requests).toBe(1);
    expect(stats.completionsReturned).toBe(4);
    expect(stats.byStatus).toEqual({ '200': 1 });
    expect(stats.choicesByMode.cot).toBe(4);
    expect(stats.requestsByTask['last-letter']).toBe(1);
    expect(stats.completionTokens).toBe(usage?.completion_tokens);
    expect(stats.promptTokens).toBe(usage?.prompt_tokens);
  });

  it('is deterministic per seed; temperature 0 gives identical choices', async () => {
    const ask = async (seed: number, temperature: number, n = 3): Promise<(string | null)[]> =>
      (await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: COT }], n, temperature, seed })).choices.map(
        (c) => c.message.content,
      );
    const a = await ask(11, 0.9);
    expect(await ask(11, 0.9)).toEqual(a);
    expect(await ask(12, 0.9)).not.toEqual(a);
    const greedy = await ask(11, 0);
    expect(new Set(greedy).size).toBe(1);
    expect(await ask(99, 0, 1)).toEqual([greedy[0]]);
  });

  it('429 via header carries Retry-After and an OpenAI-style rate-limit body', async () => {
    sim.resetStats();
    const error = await apiError(
      openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-sim-fault': '429' } }),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.headers?.get('retry-after')).toBe('2');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.headers?.get('x-s2d-simulator')).toBe('1');
    expect(sim.stats().byStatus).toEqual({ '429': 1 });
    expect(sim.stats().faults['429']).toBe(1);
    expect(sim.stats().completionsReturned).toBe(0);
  });

  it('500 and 503 via header', async () => {
    const e500 = await apiError(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-sim-fault': '500' } }));
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect(e500.status).toBe(500);
    const e503 = await apiError(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-sim-fault': '503' } }));
    expect(e503.status).toBe(503);
  });

  it('slow via header still succeeds and is counted', async () => {
    sim.resetStats();
    const res = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: COT }] }, { headers: { 'x-sim-fault': 'slow' } });
    expect(res.choices).toHaveLength(1);
    expect(sim.stats().faults.slow).toBe(1);
  });

  it('truncates at max_tokens (and max_completion_tokens) with finish_reason length', async () => {
    const res = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: COT }], n: 2, temperature: 1, seed: 3, max_tokens: 7 });
    for (const c of res.choices) expect(c.finish_reason).toBe('length');
    expect(res.usage?.completion_tokens).toBe(14);
    const res2 = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: COT }], max_completion_tokens: 3 });
    expect(res2.choices[0]?.finish_reason).toBe('length');
    expect(res2.usage?.completion_tokens).toBe(3);
  });

  it('rejects stream: true and invalid requests with OpenAI-style 400s', async () => {
    const streamErr = await apiError(openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }));
    expect(streamErr.status).toBe(400);
    expect(streamErr.message).toMatch(/stream: true is not supported/);
    expect(streamErr.param).toBe('stream');

    const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${sim.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const missing = await post(JSON.stringify({ model: MODEL }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: { message: expect.stringContaining('messages') as unknown, type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' },
    });
    const badN = await post(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }], n: 0 }));
    expect(((await badN.json()) as { error: { param: string } }).error.param).toBe('n');
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }), { 'x-sim-fault': 'teapot' })).status).toBe(400);
    expect((await fetch(`${sim.baseUrl}/chat/completions`)).status).toBe(405);
    const unknown = await fetch(`${sim.baseUrl}/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-s2d-simulator')).toBe('1');
  });
});

describe('simulator capacity, rates and options', () => {
  it('with capacity 1, concurrent requests are served one sequence at a time', async () => {
    const sim = await startSimulator({ maxConcurrentSequences: 1, latency: { ttftMs: 25, perTokenMs: 0, jitter: 0 } });
    try {
      const openai = client(sim);
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: `${COT} ${i}` }], n: 2 })),
      );
      expect(results.every((r) => r.choices.length === 2)).toBe(true);
      const stats = sim.stats();
      expect(stats.maxConcurrentSequences).toBe(1);
      expect(stats.maxQueuedSequences).toBeGreaterThanOrEqual(1);
      expect(stats.completionsReturned).toBe(10);
      expect(stats.activeSequences).toBe(0);
      expect(stats.queuedSequences).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('with capacity 4, n counts as n sequences and the limit holds under load', async () => {
    const sim = await startSimulator({ maxConcurrentSequences: 4, latency: { ttftMs: 10, perTokenMs: 0, jitter: 0 } });
    try {
      const openai = client(sim);
      await Promise.all(Array.from({ length: 6 }, () => openai.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: COT }], n: 3, seed: 1 })));
      expect(sim.stats().maxConcurrentSequences).toBeLessThanOrEqual(4);
      expect(sim.stats().maxConcurrentSequences).toBeGreaterThanOrEqual(3);
    } finally {
      await sim.close();
    }
  });

  it('injects faults by rate, ignores n when told to, and rejects unknown models when strict', async () => {
    const broken = await startSimulator({ faults: { rate503: 1 }, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    try {
      const e = await apiError(client(broken).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
      expect(e.status).toBe(503);
    } finally {
      await broken.close();
    }
    const strict = await startSimulator({ honourN: false, strictModels: true, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    try {
      const res = await client(strict).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: COT }], n: 5 });
      expect(res.choices).toHaveLength(1);
      const e = await apiError(client(strict).chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'hi' }] }));
      expect(e.status).toBe(404);
      expect(e.code).toBe('model_not_found');
    } finally {
      await strict.close();
    }
  });

  it('close() cuts short requests still waiting and resolves', async () => {
    const sim = await startSimulator({ latency: { ttftMs: 60_000, perTokenMs: 0, jitter: 0 } });
    const pending = client(sim).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    const outcome = pending.then(
      () => 'resolved',
      (error: unknown) => (error instanceof OpenAI.APIConnectionError ? 'connection-error' : String(error)),
    );
    while (sim.stats().activeSequences === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await sim.close();
    expect(await outcome).toBe('connection-error');
    expect(sim.stats().activeSequences).toBe(0);
  });
});
