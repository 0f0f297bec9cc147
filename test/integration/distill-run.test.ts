import { INPUT_REJECT_CODES } from '../../shared/dataset/item-result.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_TEMPLATE_VERSION } from '../../shared/strategies/templates.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { createLogger } from '../../shared/logger.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');
// Workers read the key from the variable the spec names; it must never reach the manifest.
const PLANTED_SECRET = 'sk-planted-secret-0123456789';
process.env.OPENAI_API_KEY = PLANTED_SECRET;

describe('a distillation run through BullMQ on a real redis-server', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('publishes a reconciled dataset, and submitting the same run again enqueues nothing and pays for nothing', async () => {
    const run = await createRunFixture({ label: 'resubmit', redisUrl, baseUrl: simulator.baseUrl, items: 24, withBadLines: true });
    try {
      const first = await run.submit();
      expect(first).toMatchObject({ created: true, enqueued: 24, rejectedAtInput: 3, total: 27 });
      // Submitted again while nothing has run yet: every job id already exists.
      const again = await run.submit();
      expect(again).toMatchObject({ created: false, enqueued: 0, rejectedAtInput: 0, total: 27 });
      expect(await singleDistillQueue(run.clients.distillQueues).getWaitingCount()).toBe(24);

      const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await workers.close(false);

      const record = await run.clients.runs.get(run.spec.runId);
      const requestsAfterRun = record?.llmRequests ?? 0;
      // rar2 × 4 samples with `n` honoured: one rephrase request plus one answer request per sample.
      expect(requestsAfterRun).toBe(24 * (1 + 4));

      const dataset = await run.readDataset();
      const { counts } = dataset.manifest;
      expect(counts.inputs).toBe(27);
      expect(counts.accepted + counts.rejected + counts.errored).toBe(27);
      expect(dataset.chatLines).toHaveLength(counts.accepted);
      expect(dataset.provenance).toHaveLength(counts.accepted);
      expect(dataset.rejects).toHaveLength(counts.rejected + counts.errored);
      const inputCodes: readonly string[] = INPUT_REJECT_CODES;
      expect(dataset.rejects.filter((r) => inputCodes.includes(r.code ?? '')).map((r) => [r.code, r.reason])).toEqual([
        ['malformed-json', expect.stringMatching(/items\.inputs\.jsonl line 25/)],
        ['invalid-input', expect.stringMatching(/line 26.*"prompt"/)],
        ['malformed-json', expect.stringMatching(/line 28/)],
      ]);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.manifest.strategy).toEqual({ name: 'rar2', templateVersions: { rar2Rephrase: DEFAULT_TEMPLATE_VERSION, rar2Answer: DEFAULT_TEMPLATE_VERSION, answerFormat: DEFAULT_TEMPLATE_VERSION } });
      expect(JSON.stringify(dataset.manifest)).not.toContain(PLANTED_SECRET);
      for (const line of dataset.chatLines) {
        expect(line.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
        expect(line.messages[1]?.content).toMatch(/^[a-z]+$/);
      }

      const resubmitted = await run.submit();
      expect(resubmitted).toMatchObject({ created: false, enqueued: 0, state: 'published' });
      expect((await run.clients.runs.get(run.spec.runId))?.llmRequests).toBe(requestsAfterRun);
      expect(await singleDistillQueue(run.clients.distillQueues).getJobCounts('wait', 'active', 'completed', 'failed')).toEqual({ wait: 0, active: 0, completed: 0, failed: 0 });
    } finally {
      await run.clients.close();
    }
  });

  it('bounds the backlog: the producer pauses reading input while too many items wait, and resumes as workers drain', async () => {
    const run = await createRunFixture({ label: 'backlog', redisUrl, baseUrl: simulator.baseUrl, items: 60 });
    try {
      let settled = false;
      const submitting = run.submit({ maxBacklog: 20, batchSize: 10, backlogPollMs: 20 }).finally(() => {
        settled = true;
      });
      for (;;) {
        if ((await singleDistillQueue(run.clients.distillQueues).getWaitingCount()) >= 20) break;
        await sleep(10);
      }
      await sleep(200);
      // A batch is added before the producer looks at the backlog, so it can overshoot by less than one batch.
      expect(await singleDistillQueue(run.clients.distillQueues).getWaitingCount()).toBeLessThan(20 + 10);
      expect(settled).toBe(false);

      const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
      expect(await submitting).toMatchObject({ enqueued: 60, total: 60 });
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await workers.close(false);
      expect((await run.readDataset()).manifest.counts.inputs).toBe(60);
    } finally {
      await run.clients.close();
    }
  });

  it('keeps Redis flat: finished jobs, call caches and done bitmaps are gone once the dataset is published', async () => {
    const run = await createRunFixture({ label: 'flat', redisUrl, baseUrl: simulator.baseUrl, items: 300 });
    try {
      await run.submit();
      const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 32, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await workers.close(false);
      const keys = await run.clients.redis.keys(`${run.prefix}:*`);
      const leftovers = keys.filter((key) => key.includes(':cache:') || key.endsWith(':done') || key.endsWith(':enqueued') || /:distill:[^:]+__\d+$/.test(key));
      expect(leftovers).toEqual([]);
      // What stays is per-run metadata and BullMQ's capped event streams: tens of KB, whatever the run's size.
      let bytes = 0;
      for (const key of keys) bytes += (await run.clients.redis.memory('USAGE', key)) ?? 0;
      expect(bytes).toBeLessThan(48 * 1024);
    } finally {
      await run.clients.close();
    }
  });
});
