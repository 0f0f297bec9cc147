import OpenAI from 'openai';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyRunControl } from '../../cli/run-control-actions.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, duplicateIndices, type RunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const ITEMS = 4;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('batch mode under run control (in-process workers, simulator Batch API)', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    // Batches that take long enough to be cancelled while in progress.
    simulator = await startSimulator({ seed: 17, batch: { validatingMs: 10, completionDelayMs: 60_000, finalizingMs: 10 } });
  });
  afterAll(async () => {
    await simulator.close();
  });

  const fixture = (label: string, pollMs: number): Promise<RunFixture> =>
    createRunFixture({
      label,
      redisUrl,
      baseUrl: simulator.baseUrl,
      items: ITEMS,
      spec: { sampling: { samples: 2, temperature: 0.8, maxTokens: 128, seed: 3 }, model: { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl, mode: 'batch', batch: { pollMs } } },
    });

  it('cancel cancels the run\'s open batches at the provider and publishes the partial dataset', async () => {
    const run = await fixture('batch-cancel', 30);
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    const store = new BatchStore(run.clients.redis, run.prefix);
    try {
      await run.submit();
      await until('a batch in progress', async () => (await store.openBatches(run.spec.runId)).some((b) => b.state === 'created'));
      expect((await applyRunControl(run.clients, 'cancel', run.spec.runId, 'test')).ok).toBe(true);
      await waitForPublication(run.clients.runs, run.spec.runId, 20);
      const dataset = await run.readDataset();
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.manifest.counts.inputs).toBe(ITEMS);
      expect(dataset.rejects.every((reject) => reject.code === 'cancelled')).toBe(true);
      const client = new OpenAI({ baseURL: simulator.baseUrl, apiKey: 'no-key' });
      const batches = [];
      for await (const batch of client.batches.list({ limit: 100 })) if ((batch.metadata as Record<string, string> | null)?.s2d_run === run.spec.runId) batches.push(batch);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.every((batch) => batch.status === 'cancelled' || batch.status === 'cancelling')).toBe(true);
      await until('the batcher to close the cancelled batches', async () => (await store.openBatches(run.spec.runId)).length === 0);
      expect((await store.counters(run.spec.runId)).ended.cancelled).toBe(batches.length);
    } finally {
      await workers.close(false);
      await run.clients.close();
    }
  });

  it('pause stops new batches from being sent; resume sends them', async () => {
    simulator.setBatch({ validatingMs: 10, completionDelayMs: 20, finalizingMs: 10 });
    // Registrations must pause for 400 ms before a partial batch goes: time for the pause to land first.
    const run = await fixture('batch-pause', 400);
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    const store = new BatchStore(run.clients.redis, run.prefix);
    try {
      await run.submit();
      await until('requests pending', async () => (await store.pending(run.spec.runId)).count > 0);
      expect((await applyRunControl(run.clients, 'pause', run.spec.runId, 'test')).ok).toBe(true);
      await sleep(1_500);
      expect((await store.counters(run.spec.runId)).batchesCreated).toBe(0);
      expect((await store.pending(run.spec.runId)).count).toBeGreaterThan(0);
      expect((await applyRunControl(run.clients, 'resume', run.spec.runId, 'test')).ok).toBe(true);
      await waitForPublication(run.clients.runs, run.spec.runId, 20);
      const dataset = await run.readDataset();
      expect(dataset.manifest.counts.inputs).toBe(ITEMS);
      expect(dataset.manifest.counts.errored).toBe(0);
      expect((await store.counters(run.spec.runId)).batchesCreated).toBeGreaterThan(0);
    } finally {
      await workers.close(false);
      await run.clients.close();
    }
  });
});
