import { Redis } from 'ioredis';
import type OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { EndpointLimiter, endpointId, type RequestGate } from '../../shared/limits/endpoint-limiter.js';
import { endpointLimitsSchema, type EndpointLimits } from '../../shared/limits/endpoint-limits.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import { createOpenAiClient } from '../../shared/llm/openai-sampler.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');
const MODEL = 'sim-llama-2-70b-chat';

/** One request through a gate, repeated after every 429 until it succeeds; returns how many 429s it met. */
async function callUntilOk(gate: RequestGate, client: OpenAI, content: string): Promise<number> {
  let rateLimited = 0;
  for (;;) {
    const lease = await gate.acquire(10 + 64);
    try {
      const response = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }], max_completion_tokens: 64 });
      await lease.succeeded(response.usage?.total_tokens ?? 0);
      return rateLimited;
    } catch (error) {
      const failure = classifyLlmError(error);
      if (failure.kind !== 'rate-limited') throw error;
      rateLimited++;
      await lease.rateLimited(failure.retryAfterMs);
    }
  }
}

// Two limiter instances on two Redis connections stand for two worker processes sharing one endpoint.
describe('EndpointLimiter on a real redis-server against the simulator over HTTP', () => {
  const connections: Redis[] = [];
  let simulator: RunningSimulator | undefined;
  const open = (): Redis => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  };
  const workers = (baseUrl: string, limits: Partial<EndpointLimits>, leaseMs = 10_000): [EndpointLimiter, EndpointLimiter] => {
    const prefix = isolatedPrefix('limiter');
    const make = (): EndpointLimiter =>
      new EndpointLimiter({ redis: open(), prefix, baseUrl, model: MODEL, limits: endpointLimitsSchema.parse(limits), leaseMs, pollMs: 10 });
    return [make(), make()];
  };
  let client: OpenAI;

  beforeAll(() => {
    client = createOpenAiClient({ baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', timeoutMs: 10_000 });
  });
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
  });
  const start = async (options: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> => {
    simulator = await startSimulator(options);
    client = createOpenAiClient({ baseUrl: simulator.baseUrl, apiKey: 'k', timeoutMs: 10_000 });
    return simulator;
  };

  it('keys an endpoint by a hash of base URL and model, never by anything else', () => {
    expect(endpointId('http://h/v1/', 'm')).toBe(endpointId('HTTP://H/v1', 'm'));
    expect(endpointId('http://h/v1', 'm')).not.toBe(endpointId('http://h/v1', 'n'));
    expect(endpointId('http://h/v1', 'm')).toMatch(/^[0-9a-f]{24}$/);
  });

  it('holds the in-flight cap fleet-wide: two workers never have more requests at the endpoint than the cap', async () => {
    const sim = await start({ seed: 1, latency: { ttftMs: 30, perTokenMs: 0.2, jitter: 0 } });
    const [a, b] = workers(sim.baseUrl, { maxConcurrency: 3 });
    const calls = Array.from({ length: 30 }, (_v, i) => callUntilOk(i % 2 === 0 ? a : b, client, `question ${i}`));
    await Promise.all(calls);
    const stats = sim.stats();
    expect(stats.byStatus['200']).toBe(30);
    expect(stats.maxActiveRequests).toBe(3);
    expect((await a.snapshot()).inFlight).toBe(0);
  });

  it('holds the request budget fleet-wide: beyond the burst, requests go out at the per-minute rate', async () => {
    const sim = await start({ seed: 2, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    // 120/min = 2 per second, burst of 10 s = 20 requests; 26 requests need at least 6 more half-second refills.
    const [a, b] = workers(sim.baseUrl, { requestsPerMinute: 120 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 26 }, (_v, i) => callUntilOk(i % 2 === 0 ? a : b, client, `q ${i}`)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    expect(sim.stats().byStatus['200']).toBe(26);
  });

  it('settles token reservations to the real usage, so unused reserved tokens come back', async () => {
    const sim = await start({ seed: 3, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    // 6000/min: the bucket holds 1000 tokens; one request reserves 10 + 64 and uses fewer.
    const [a] = workers(sim.baseUrl, { tokensPerMinute: 6_000 });
    const lease = await a.acquire(500);
    const afterReserve = Number(await connections.at(-2)?.hget(a.keys.state, 'tokLevel'));
    expect(afterReserve).toBeLessThanOrEqual(501);
    await lease.succeeded(100);
    const afterSettle = Number(await connections.at(-2)?.hget(a.keys.state, 'tokLevel'));
    expect(afterSettle).toBeGreaterThanOrEqual(900 - 1);
    const failed = await a.acquire(400);
    await failed.failed();
    expect(Number(await connections.at(-2)?.hget(a.keys.state, 'tokLevel'))).toBeGreaterThanOrEqual(afterSettle);
  });

  it('gets back the slot of a worker that died holding it, once its lease lapses', async () => {
    const sim = await start({ seed: 4 });
    const [dead, alive] = workers(sim.baseUrl, { maxConcurrency: 1 }, 300);
    await dead.acquire(0); // never reported: the worker was SIGKILLed
    expect((await alive.snapshot()).inFlight).toBe(1);
    const lease = await alive.acquire(0);
    await lease.succeeded(0);
    expect((await alive.snapshot()).inFlight).toBe(0);
  });

  it('records the time of the last success, which the outage verdict reads as the endpoint health', async () => {
    const [limiter] = workers('http://127.0.0.1:1/v1', {});
    expect((await limiter.health()).lastSuccessAt).toBeNull();
    const before = (await limiter.health()).now;
    await (await limiter.acquire(10)).succeeded(10);
    const health = await limiter.health();
    expect(health.lastSuccessAt).toBeGreaterThanOrEqual(before);
    expect(health.lastSuccessAt).toBeLessThanOrEqual(health.now);
    // A failed request is not a success: the time stays.
    const after = health.lastSuccessAt;
    await (await limiter.acquire(10)).failed();
    expect((await limiter.health()).lastSuccessAt).toBe(after);
  });

  it('keeps every key it creates expiring, and renews the expiry at most once a minute, not on every acquire', async () => {
    const [limiter] = workers('http://127.0.0.1:1/v1', {});
    const redis = open();
    const first = await limiter.acquire(10);
    const renewedAt = await redis.hget(limiter.keys.state, 'renewedAt');
    expect(renewedAt).not.toBeNull();
    expect(await redis.pttl(limiter.keys.state)).toBeGreaterThan(3_600_000);
    expect(await redis.pttl(limiter.keys.leases)).toBeGreaterThan(3_600_000);
    await first.succeeded(10);
    // The last lease is gone, and so is its (empty) sorted set: the next acquire creates the key again, with an expiry.
    expect(await redis.exists(limiter.keys.leases)).toBe(0);
    await redis.pexpire(limiter.keys.state, 5_000);
    const second = await limiter.acquire(10);
    expect(await redis.pttl(limiter.keys.leases)).toBeGreaterThan(3_600_000);
    // Within the minute: no renewal of the state hash.
    expect(await redis.hget(limiter.keys.state, 'renewedAt')).toBe(renewedAt);
    expect(await redis.pttl(limiter.keys.state)).toBeLessThanOrEqual(5_000);
    await second.succeeded(10);
    // A minute later (as if): the next acquire renews every key.
    await redis.hset(limiter.keys.state, 'renewedAt', '0');
    await (await limiter.acquire(10)).succeeded(10);
    expect(await redis.pttl(limiter.keys.state)).toBeGreaterThan(3_600_000);
    expect(await redis.pttl(limiter.keys.health)).toBeGreaterThan(3_600_000);
  });

  it('under a 429 storm cuts the cap multiplicatively, pauses every worker, and grows back (slow start, then additively)', async () => {
    const sim = await start({ seed: 5, latency: { ttftMs: 20, perTokenMs: 0.1, jitter: 0 }, faults: { maxInFlightRequests: 4, retryAfterSeconds: 0.1 } });
    const [a, b] = workers(sim.baseUrl, { maxConcurrency: 32 });
    const met = await Promise.all(Array.from({ length: 200 }, (_v, i) => callUntilOk(i % 2 === 0 ? a : b, client, `storm ${i}`)));
    const stats = sim.stats();
    const seen429 = met.reduce((sum, n) => sum + n, 0);
    expect(stats.byStatus['200']).toBe(200);
    expect(stats.byStatus['429']).toBe(seen429);
    const { trajectory, cap } = await a.snapshot();
    const cuts = trajectory.filter((step) => step.why === '429');
    // Starting at 32 against a server that takes 4: the cap must have been halved down to the server's size.
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...cuts.map((step) => step.cap))).toBeLessThanOrEqual(4);
    // Growth is one step at a time: 'start' (slow start, back to the level of a storm's first cut) or 'up'.
    expect(trajectory.some((step) => step.why === 'up' || step.why === 'start')).toBe(true);
    for (const [i, step] of trajectory.entries()) {
      const before = i === 0 ? 32 : (trajectory[i - 1]?.cap ?? 32);
      expect(step.cap).toBe(step.why === 'up' || step.why === 'start' ? before + 1 : Math.max(1, Math.floor(before / 2)));
    }
    // Far fewer 429s than requests: without the limiter every request beyond 4 at once would bounce.
    expect(seen429).toBeLessThan(200);
    // The stored cap is where the recorded history ends: every change of it is traced.
    expect(cap).toBe(trajectory.at(-1)?.cap);
    // Additive increase costs a full window: a step up from cap c needs c successes in a row (the count restarts at
    // every change), so all the steps up together cost at most the 200 successes the storm had. A cap that grew
    // faster (say on every success) would cost less per step and take far more of them.
    const upCost = trajectory.reduce((sum, step, i) => (step.why === 'up' ? sum + (i === 0 ? 32 : (trajectory[i - 1]?.cap ?? 32)) : sum), 0);
    expect(upCost).toBeGreaterThan(0);
    expect(upCost).toBeLessThanOrEqual(200);
  });
});
