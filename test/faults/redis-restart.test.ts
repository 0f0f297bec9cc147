import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../infra/redis/local-redis.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, CHOICES_PER_ITEM, reportScenario, SAMPLING, waitForDone, WORKER_CONCURRENCY, WorkerFleet } from './fault-harness.js';

describe('fault: redis-server restarted mid-run (persistence on)', () => {
  let simulator: RunningSimulator;
  let redisDir: string;
  let redis: LocalRedis;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 22, latency: { ttftMs: 20, perTokenMs: 0.5, jitter: 0.2 } });
    redisDir = await mkdtemp(join(tmpdir(), 's2d-fault-redis-'));
    redis = await startLocalRedis({ persistence: true, dir: redisDir });
  });
  afterAll(async () => {
    await redis.stop();
    await rm(redisDir, { recursive: true, force: true });
    await simulator.close();
  });

  it('workers and the producer reconnect and the run completes with every item once', async () => {
    const items = 240;
    const run = await createRunFixture({ label: 'fault-redis', redisUrl: redis.url, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(redis.url, run.prefix);
    try {
      fleet.spawn();
      fleet.spawn();
      const choicesBefore = simulator.stats().completionsReturned;
      // A small backlog bound keeps the producer enqueueing while Redis goes away, so it must reconnect too.
      const submitted = run.submit({ maxBacklog: 40 });
      await waitForDone(run.clients.runs, run.spec.runId, 30);
      await redis.stop();
      await sleep(1_500);
      redis = await startLocalRedis({ persistence: true, dir: redisDir, port: redis.port });
      const outcome = await submitted;
      expect(outcome.total).toBe(items);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const figures = accountRun('redis-server restarted mid-run', await run.readDataset(), simulator, choicesBefore);
      reportScenario({ ...figures, notes: 'down 1.5 s, AOF on' });
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      // Items whose result write or done bit was cut off by the outage run again from the call cache; only calls
      // that were in flight on the two workers when Redis went away can be paid again.
      expect(figures.extraCalls).toBeLessThanOrEqual(2 * WORKER_CONCURRENCY * CHOICES_PER_ITEM);
      expect(fleet.alive()).toHaveLength(2);
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
