import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../infra/redis/find-free-port.js';
import { MemoryCallCache } from '../../shared/llm/call-cache.js';
import { EndpointDownError } from '../../shared/limits/endpoint-down-error.js';
import { EndpointLimiter, type HealthChange } from '../../shared/limits/endpoint-limiter.js';
import { endpointLimitsSchema } from '../../shared/limits/endpoint-limits.js';
import { outageOptionsSchema, type OutageOptions } from '../../shared/limits/outage-options.js';
import { nominalProbeDelayMs } from '../../shared/limits/outage-schedule.js';
import { createOpenAiClient, OpenAiSampler } from '../../shared/llm/openai-sampler.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');

// The endpoint's health (the fleet-wide circuit breaker) as the limiter's Lua runs it on a real redis-server, driven
// through the limiter's own API; the last test sends real requests to a closed port.
describe('endpoint health: down, probes and recovery (limiter Lua on a real redis-server)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  const changes: HealthChange['event'][] = [];
  const limiter = (outage: Partial<OutageOptions> = {}, prefix = isolatedPrefix('health')): EndpointLimiter =>
    new EndpointLimiter({
      redis,
      prefix,
      baseUrl: 'http://health.test/v1',
      model: 'm',
      limits: endpointLimitsSchema.parse({ minConcurrency: 1, maxConcurrency: 16 }),
      outage: outageOptionsSchema.parse({ probeInitialMs: 200, probeMaxMs: 800, ...outage }),
      leaseMs: 10_000,
      pollMs: 5,
      onHealthChange: (change) => changes.push(change.event),
    });
  const unreachable = async (gate: EndpointLimiter, item: string): Promise<void> => {
    await (await gate.acquire(0, item)).unreachable();
  };

  it('is marked down by 3 outage-class failures from 2 items with no success between; one item alone, or a success between, does not', async () => {
    const alone = limiter();
    for (let i = 0; i < 6; i++) await unreachable(alone, 'run#1');
    expect((await alone.health()).state).toBe('healthy');

    const interrupted = limiter();
    await unreachable(interrupted, 'run#1');
    await unreachable(interrupted, 'run#2');
    await (await interrupted.acquire(0, 'run#3')).succeeded(0);
    await unreachable(interrupted, 'run#1');
    await unreachable(interrupted, 'run#2');
    // An error status is an answer too: the server is up.
    await (await interrupted.acquire(0, 'run#3')).answered();
    await unreachable(interrupted, 'run#1');
    expect((await interrupted.health()).state).toBe('healthy');

    changes.length = 0;
    const down = limiter();
    await unreachable(down, 'run#1');
    await unreachable(down, 'run#1');
    expect((await down.health()).state).toBe('healthy');
    await unreachable(down, 'run#2');
    const health = await down.health();
    expect(health).toMatchObject({ state: 'down', outages: 1, failedProbes: 0, sentWhileDown: 0 });
    expect(health.downSince).not.toBeNull();
    // The first probe is due after half to all of probeInitialMs.
    expect((health.nextProbeAt ?? 0) - (health.downSince ?? 0)).toBeGreaterThanOrEqual(100);
    expect((health.nextProbeAt ?? 0) - (health.downSince ?? 0)).toBeLessThanOrEqual(200);
    expect(changes).toEqual(['down']);
  });

  it('failures further apart than the window do not add up', async () => {
    const gate = limiter({ windowMs: 100 });
    await unreachable(gate, 'run#1');
    await unreachable(gate, 'run#2');
    await sleep(150);
    await unreachable(gate, 'run#3');
    expect((await gate.health()).state).toBe('healthy');
    await unreachable(gate, 'run#4');
    await unreachable(gate, 'run#5');
    expect((await gate.health()).state).toBe('down');
  });

  it('while down sends nothing but one probe at a time, on a doubling backoff with jitter; any answer recovers and the cap slow-starts back', async () => {
    const prefix = isolatedPrefix('health-probe');
    const gate = limiter({}, prefix);
    // The level the endpoint worked at before the outage: 12 requests at once, all served.
    const served = await Promise.all(Array.from({ length: 12 }, () => gate.acquire(0, 'run#0')));
    await sleep(2);
    for (const lease of served) await lease.succeeded(0);
    expect((await gate.health()).cap).toBe(16);
    for (const item of ['run#1', 'run#2', 'run#3']) await unreachable(gate, item);
    // A second worker process shares the state.
    const other = limiter({}, prefix);
    const refused = await other.acquire(0, 'run#4').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EndpointDownError);
    const first = refused as EndpointDownError;
    expect(first.retryAt).toBeGreaterThan(first.now);

    changes.length = 0;
    const probeTimes: number[] = [];
    for (let k = 0; k < 4; k++) {
      const { nextProbeAt, now } = await gate.health();
      await sleep(Math.max(0, (nextProbeAt ?? now) - now) + 5);
      const probe = await gate.acquire(0, 'run#5');
      // Only one probe at a time: everyone else is told when to come back.
      const busy = (await other.acquire(0, 'run#6').catch((error: unknown) => error)) as EndpointDownError;
      expect(busy).toBeInstanceOf(EndpointDownError);
      expect(busy.retryAt - busy.now).toBe(nominalProbeDelayMs(k, { probeInitialMs: 200, probeMaxMs: 800 }));
      const before = await gate.health();
      await probe.unreachable();
      const after = await gate.health();
      probeTimes.push(before.now);
      expect(after.failedProbes).toBe(k + 1);
      const delay = (after.nextProbeAt ?? 0) - after.now;
      const nominal = nominalProbeDelayMs(k + 1, { probeInitialMs: 200, probeMaxMs: 800 });
      expect(delay).toBeGreaterThanOrEqual(nominal / 2 - 5);
      expect(delay).toBeLessThanOrEqual(nominal + 1);
    }
    expect(changes).toEqual(['probe-failed', 'probe-failed', 'probe-failed', 'probe-failed']);
    expect((await gate.health()).sentWhileDown).toBe(4);

    const { nextProbeAt, now } = await gate.health();
    await sleep(Math.max(0, (nextProbeAt ?? now) - now) + 5);
    await (await gate.acquire(0, 'run#7')).succeeded(0);
    const up = await gate.health();
    expect(up).toMatchObject({ state: 'healthy', downSince: null, nextProbeAt: null, failedProbes: 0 });
    expect(up.lastDownUntil).not.toBeNull();
    expect(changes.at(-1)).toBe('recovered');
    // Recovery restarts the cap at the floor (1) and grows it by one per success back to the level it served (12),
    // then by one per full window.
    expect(up.cap).toBe(2);
    const caps: number[] = [];
    for (let i = 0; i < 12; i++) {
      await (await gate.acquire(0, 'run#8')).succeeded(0);
      caps.push((await gate.health()).cap ?? 0);
    }
    expect(caps).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 12]);
    expect((await gate.snapshot()).trajectory.map((step) => step.why).slice(0, 3)).toEqual(['down', 'recovered', 'start']);
  });

  it('a 429 answer makes the endpoint rate-limited, also when it was down (the server is up)', async () => {
    const gate = limiter();
    await (await gate.acquire(0, 'run#1')).rateLimited(0);
    expect((await gate.health()).state).toBe('rate-limited');
    for (const item of ['run#1', 'run#2', 'run#3']) await unreachable(gate, item);
    expect((await gate.health()).state).toBe('down');
    const { nextProbeAt, now } = await gate.health();
    await sleep(Math.max(0, (nextProbeAt ?? now) - now) + 5);
    await (await gate.acquire(0, 'run#4')).rateLimited(0);
    expect(await gate.health()).toMatchObject({ state: 'rate-limited', downSince: null });
  });

  it('connection refused on a real port: requests of different items mark the endpoint down, and further requests are not sent', async () => {
    const port = await findFreePort();
    const gate = limiter();
    const client = createOpenAiClient({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: 'k', timeoutMs: 2_000 });
    const sampler = (item: string): OpenAiSampler =>
      new OpenAiSampler({ client, model: 'm', seed: 1, useN: 'never', nSupport: { honoured: undefined }, cache: new MemoryCallCache(), gate, requester: item });
    const params = { temperature: 0, maxTokens: 8 };
    const outcomes = [];
    for (const item of ['run#1', 'run#2', 'run#3', 'run#4']) {
      outcomes.push(await sampler(item).sample([{ role: 'user', content: 'hi' }], [0], params).catch((error: unknown) => error));
    }
    expect(outcomes.slice(0, 3).map((error) => (error as Error).constructor.name)).toEqual(['APIConnectionError', 'APIConnectionError', 'APIConnectionError']);
    expect(outcomes[3]).toBeInstanceOf(EndpointDownError);
    expect((await gate.health()).state).toBe('down');
  });
});
