import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { createLogger } from '../../shared/logger.js';
import { QUEUES } from '../../shared/queue/queue-names.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');

describe('jobs BullMQ fails for good', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 2 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('become errored items with their reason, so the run still publishes and its counts reconcile', async () => {
    const run = await createRunFixture({ label: 'sweep', redisUrl, baseUrl: simulator.baseUrl, items: 10, spec: { maxAttempts: 1 } });
    try {
      await run.submit();
      // A worker that dies around the item program on every attempt: BullMQ moves the jobs to its failed set.
      const crashing = new Worker(
        QUEUES.distill,
        (job) => (job.data as { index: number }).index % 2 === 0 ? Promise.reject(new Error('storage unavailable')) : new Promise(() => undefined),
        { connection: { url: redisUrl }, prefix: run.prefix, concurrency: 10, lockDuration: 1_000, stalledInterval: 200 },
      );
      for (;;) {
        if ((await singleDistillQueue(run.clients.distillQueues).getFailedCount()) === 5) break;
        await sleep(20);
      }
      // The odd items hang forever in the crashing worker; closing it forcibly leaves them to lapse as stalled work.
      // (All workers of a queue share one stalled-check cadence, so it gets the same short interval as ours.)
      await crashing.close(true);

      const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 4, lockDurationMs: 1_000, stalledIntervalMs: 200, logger: createLogger('silent') });
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await workers.close(false);

      const dataset = await run.readDataset();
      expect(dataset.manifest.counts.inputs).toBe(10);
      expect(dataset.manifest.counts.errored).toBe(5);
      const errored = dataset.rejects.filter((r) => r.status === 'errored');
      expect(errored.map((r) => r.index)).toEqual([0, 2, 4, 6, 8]);
      for (const record of errored) expect(record.reason).toMatch(/gave up after 1 attempt\(s\): storage unavailable/);
      expect(dataset.provenance.length + dataset.rejects.length).toBe(10);
      expect(await singleDistillQueue(run.clients.distillQueues).getFailedCount()).toBe(0);
    } finally {
      await run.clients.close();
    }
  });
});
