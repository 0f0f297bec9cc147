import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, CHOICES_PER_ITEM, reportScenario, SAMPLING, waitForDone, WorkerFleet } from './fault-harness.js';
import { limiterTrajectory } from '../helpers/limiter-trajectory.js';

const redisUrl = inject('redisUrl');
const SERVER_CAPACITY = 6;

describe('fault: a 429 storm on worker processes, one of them SIGKILLed', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    // The server takes 6 requests at once and answers 429 + Retry-After 0.2 s beyond that, like a saturated endpoint.
    simulator = await startSimulator({
      seed: 25,
      latency: { ttftMs: 15, perTokenMs: 0.3, jitter: 0.2 },
      faults: { maxInFlightRequests: SERVER_CAPACITY, retryAfterSeconds: 0.2 },
    });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('the fleet-wide limiter converges on the capacity; no item errors or uses an attempt for a 429', { timeout: 120_000 }, async () => {
    const items = 90;
    // maxAttempts 1: any attempt a 429 burned would show up as an errored item.
    const run = await createRunFixture({ label: 'fault-429', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING, maxAttempts: 1 } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix, { S2D_WORKER_CONCURRENCY: '8' });
    try {
      for (let i = 0; i < 3; i++) fleet.spawn();
      const before = simulator.stats();
      await run.submit();
      await waitForDone(run.clients.runs, run.spec.runId, items / 3);
      const victim = fleet.workers[0];
      victim?.child.kill('SIGKILL');
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const after = simulator.stats();
      const trajectory = await limiterTrajectory(run);
      const caps = trajectory.map((t) => t.cap);
      const cuts = trajectory.filter((t, i) => i > 0 && t.cap < (trajectory[i - 1]?.cap ?? Infinity)).length;
      const requests = after.requests - before.requests;
      const rejected429 = (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0);
      const figures = accountRun('429 storm (capacity 6) + 1 worker SIGKILLed', await run.readDataset(), simulator, before.completionsReturned);
      reportScenario({
        ...figures,
        notes: `requests ${requests}, 429s ${rejected429} (${((100 * rejected429) / requests).toFixed(1)}%), cap ${caps[0] ?? '?'} -> ${caps.at(-1) ?? '?'} (min ${Math.min(...caps)}, ${cuts} cuts), server peak in flight ${after.maxActiveRequests}`,
      });
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      expect(rejected429).toBeGreaterThan(0);
      expect(cuts).toBeGreaterThan(0);
      // Three workers × 8 items × 5 requests would put 120 in flight against a capacity of 6: without the limiter
      // about 90% of requests bounce (bench/rate-limit-storm.ts); with it the share stays well under half.
      expect(rejected429 / requests).toBeLessThan(0.5);
      // Only the killed worker's in-flight items (8 at most) can have calls paid again.
      expect(figures.extraCalls).toBeLessThanOrEqual(8 * CHOICES_PER_ITEM);
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
