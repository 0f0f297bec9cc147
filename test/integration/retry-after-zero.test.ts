import { afterEach, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { captureLogs } from '../helpers/capture-logs.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const REQUEUES = 2;

describe('Retry-After: 0 (real redis-server, BullMQ, simulator over HTTP)', () => {
  let simulator: RunningSimulator | undefined;
  let run: RunFixture | undefined;
  afterEach(async () => {
    await run?.clients.close();
    await simulator?.close();
  });

  it('an item re-queued after a 429 that asks for no wait still waits at least a second per re-queue', async () => {
    // Every request is answered 429 with Retry-After: 0 (retry-after-ms: 0).
    simulator = await startSimulator({ seed: 51, faults: { rate429: 1, retryAfterSeconds: 0 } });
    run = await createRunFixture({
      label: 'retry-after-0',
      redisUrl,
      baseUrl: simulator.baseUrl,
      items: 1,
      spec: { maxAttempts: 1, model: { name: 'sim-llama-2-70b-chat', limits: { maxRateLimitRequeues: REQUEUES } } },
    });
    const logs = captureLogs('debug');
    const started = Date.now();
    await run.submit();
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 1, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: logs.logger });
    try {
      await waitForPublication(run.clients.runs, run.spec.runId, 20);
    } finally {
      await workers.close(false);
    }
    const elapsedMs = Date.now() - started;
    const requeues = logs.lines().filter((line) => line.msg === 'item re-queued after a 429');
    expect(requeues.map((line) => line.requeues)).toEqual([1, 2]);
    for (const line of requeues) {
      expect(line.delayMs).toBeGreaterThanOrEqual(1_000);
      expect(line.delayMs).toBeLessThanOrEqual(1_250);
    }
    // The re-queue budget lasted at least its floor: REQUEUES waits of >= 1 s, not a burst of 429s.
    expect(elapsedMs).toBeGreaterThanOrEqual(REQUEUES * 1_000);
    expect(simulator.stats().byStatus['429']).toBe(REQUEUES + 1);
    // Every 429 an item attempt met is counted on the run (progress and status show it).
    expect((await run.clients.runs.get(run.spec.runId))?.rateLimited).toBe(REQUEUES + 1);
    const dataset = await run.readDataset();
    expect(dataset.manifest.counts.errored).toBe(1);
    expect(dataset.rejects[0]?.reason).toMatch(/still rate limited after 2 re-queues/);
  });
});
