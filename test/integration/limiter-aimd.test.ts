import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EndpointLimiter } from '../../shared/limits/endpoint-limiter.js';
import { endpointLimitsSchema } from '../../shared/limits/endpoint-limits.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');
const BOUNDS = { minConcurrency: 2, maxConcurrency: 16 };

// The AIMD rules of the in-flight cap as the limiter runs them: its Lua scripts (limiter-scripts.ts) on a real
// redis-server, driven through the limiter's own API. No LLM is called; a lease is reported as the request ended.
describe('AIMD of the fleet-wide in-flight cap (limiter Lua on a real redis-server)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** A limiter of one endpoint; limiters made with the same `prefix` share its state, as worker processes do. */
  const limiter = (bounds: { minConcurrency: number; maxConcurrency: number } = BOUNDS, prefix = isolatedPrefix('aimd')): EndpointLimiter =>
    new EndpointLimiter({ redis, prefix, baseUrl: 'http://aimd.test/v1', model: 'm', limits: endpointLimitsSchema.parse(bounds), leaseMs: 10_000, pollMs: 5 });
  const cap = async (gate: EndpointLimiter): Promise<number | null> => (await gate.snapshot()).cap;
  const successes = async (gate: EndpointLimiter): Promise<number> => Number(await redis.hget(gate.keys.state, 'successes'));
  /** One request that ends in a 429 (Retry-After 0, so no pause gets in the way of the next). */
  const rateLimited = async (gate: EndpointLimiter): Promise<void> => {
    await (await gate.acquire(0)).rateLimited(0);
  };
  const succeeded = async (gate: EndpointLimiter): Promise<void> => {
    await (await gate.acquire(0)).succeeded(0);
  };
  /** `n` requests in flight at once that all succeed: the endpoint is known to serve that many. */
  const servedAtOnce = async (gate: EndpointLimiter, n: number): Promise<void> => {
    const leases = await Promise.all(Array.from({ length: n }, () => gate.acquire(0)));
    await sleep(2);
    for (const lease of leases) await lease.succeeded(0);
  };

  it('applies reports made in one turn (one Redis call) exactly as the same reports made one by one', async () => {
    /** Six leases in flight; the first four succeed, the fifth is a 429, the sixth succeeds; then the state. */
    const play = async (together: boolean): Promise<Record<string, string | null>> => {
      const gate = limiter({ minConcurrency: 2, maxConcurrency: 8 });
      const leases = await Promise.all(Array.from({ length: 6 }, () => gate.acquire(0)));
      // The reports come a few ms after the acquires, so the 429's cut is later than every lease.
      await sleep(2);
      const reports = leases.map((lease, position) => (): Promise<void> => (position === 4 ? lease.rateLimited(0) : lease.succeeded(0)));
      if (together) await Promise.all(reports.map((report) => report()));
      else for (const report of reports) await report();
      const fields = ['cap', 'successes', 'ssthresh', 'cutSeries', 'okLevel'];
      const values = await redis.hmget(gate.keys.state, ...fields);
      const state = Object.fromEntries(fields.map((field, position) => [field, values[position] ?? null]));
      return { ...state, inFlight: String((await gate.snapshot()).inFlight), health: await redis.hget(gate.keys.health, 'state') };
    };
    const oneByOne = await play(false);
    // The first success saw 6 in flight (okLevel 6); the 429 halves the cap 8 -> 4 and remembers min(4, 6) to slow-start
    // back to; the last success was sent before that cut, so it only counts.
    expect(oneByOne).toEqual({ cap: '4', successes: '1', ssthresh: '4', cutSeries: '1', okLevel: '0', inFlight: '0', health: 'rate-limited' });
    expect(await play(true)).toEqual(oneByOne);
  });

  it('halves the cap on a 429, never below the floor, and starts the success count again', async () => {
    const gate = limiter();
    for (let i = 0; i < 5; i++) await succeeded(gate);
    expect(await cap(gate)).toBe(16);
    expect(await successes(gate)).toBe(5);
    const caps: (number | null)[] = [];
    for (let i = 0; i < 5; i++) {
      await rateLimited(gate);
      caps.push(await cap(gate));
    }
    expect(caps).toEqual([8, 4, 2, 2, 2]);
    expect(await successes(gate)).toBe(0);
    // Every cut is traced, also those that leave the cap at the floor.
    expect((await gate.snapshot()).trajectory.map((step) => [step.why, step.cap])).toEqual([['429', 8], ['429', 4], ['429', 2], ['429', 2], ['429', 2]]);
  });

  it('cuts once per window: a 429 of a request sent before the last cut does not cut again', async () => {
    const gate = limiter();
    const early = await gate.acquire(0);
    const first = await gate.acquire(0);
    // Redis time is in ms: make the cut fall strictly after both acquisitions.
    await sleep(5);
    await first.rateLimited(0);
    expect(await cap(gate)).toBe(8);
    await early.rateLimited(0);
    expect(await cap(gate)).toBe(8);
    expect(await successes(gate)).toBe(0);
    await sleep(5);
    await rateLimited(gate);
    expect(await cap(gate)).toBe(4);
  });

  it('slow-starts back to the level of the first cut of a storm (one per success), then grows by one per full window', async () => {
    const gate = limiter();
    await servedAtOnce(gate, 10);
    // A storm: two cuts with no success between; the first remembers its level (8, the endpoint served 10), the
    // second goes on to 4.
    await sleep(2);
    await rateLimited(gate);
    await sleep(2);
    await rateLimited(gate);
    expect(await cap(gate)).toBe(4);
    const trajectory: (number | null)[] = [];
    for (let i = 0; i < 4 + 8 + 9; i++) {
      await succeeded(gate);
      trajectory.push(await cap(gate));
    }
    expect(trajectory.slice(0, 5)).toEqual([5, 6, 7, 8, 8]);
    expect(trajectory[10]).toBe(8);
    expect(trajectory[11]).toBe(9);
    expect(trajectory[20]).toBe(10);
    expect(await successes(gate)).toBe(0);
    expect((await gate.snapshot()).trajectory.map((step) => step.why)).toEqual(['429', '429', 'start', 'start', 'start', 'start', 'up', 'up']);

    // The level to come back to is at most what was served: 5 at once, so 5 (not the 8 the first cut left).
    const modest = limiter();
    await servedAtOnce(modest, 5);
    await sleep(2);
    await rateLimited(modest);
    await sleep(2);
    await rateLimited(modest);
    const back: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      await succeeded(modest);
      back.push(await cap(modest));
    }
    expect(back).toEqual([5, 5, 5]);
    // Nothing known to have been served (the storm came first): plain AIMD from the floor of the cuts.
    const unknown = limiter();
    await rateLimited(unknown);
    await sleep(2);
    await rateLimited(unknown);
    await succeeded(unknown);
    expect(await cap(unknown)).toBe(4);

    const atMax = limiter();
    for (let i = 0; i < 17; i++) await succeeded(atMax);
    expect(await cap(atMax)).toBe(16);
    expect(await successes(atMax)).toBe(16);
    expect((await atMax.snapshot()).trajectory).toEqual([]);
  });

  it('a success of a request sent before the last cut does not end the series: the storm still slow-starts back to its first level', async () => {
    const gate = limiter();
    await servedAtOnce(gate, 10);
    const straggler = await gate.acquire(0);
    const late = await gate.acquire(0);
    await sleep(2);
    await rateLimited(gate);
    await straggler.succeeded(0);
    await sleep(2);
    await rateLimited(gate);
    expect(await cap(gate)).toBe(4);
    // Nor does it regrow the cap mid-storm.
    await late.succeeded(0);
    expect(await cap(gate)).toBe(4);
    const trajectory: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      await succeeded(gate);
      trajectory.push(await cap(gate));
    }
    expect(trajectory).toEqual([5, 6, 7, 8]);
  });

  it('a partial storm (successes between the cuts) is plain AIMD: every cut starts a new series, no slow start', async () => {
    const gate = limiter();
    await rateLimited(gate);
    await succeeded(gate);
    await sleep(2);
    await rateLimited(gate);
    expect(await cap(gate)).toBe(4);
    const trajectory: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      await succeeded(gate);
      trajectory.push(await cap(gate));
    }
    expect(trajectory).toEqual([4, 4, 4, 5]);
  });

  it('clamps a cap stored under other limits into the current bounds', async () => {
    const wide = isolatedPrefix('aimd-wide');
    await succeeded(limiter({ minConcurrency: 1, maxConcurrency: 100 }, wide));
    const narrowed = limiter(BOUNDS, wide);
    await succeeded(narrowed);
    expect(await cap(narrowed)).toBe(16);

    const low = isolatedPrefix('aimd-low');
    const tiny = limiter({ minConcurrency: 1, maxConcurrency: 2 }, low);
    await rateLimited(tiny);
    await rateLimited(tiny);
    expect(await cap(tiny)).toBe(1);
    const raised = limiter(BOUNDS, low);
    await succeeded(raised);
    expect(await cap(raised)).toBe(2);
  });
});
