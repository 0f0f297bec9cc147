import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BatchStore } from '../../shared/batch/batch-store.js';
import { statusJson } from '../../cli/commands/status.js';
import { readBatchReport } from '../../cli/progress/run-progress.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { RunFailedError, waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { WorkerFleet } from './fault-harness.js';
import { batchRunFixture, FAST_BATCHES, itemsAccounted, linesPerCustomId, publishWith } from './batch-harness.js';

const redisUrl = inject('redisUrl');
const ITEMS = 10;
const SAMPLING = { samples: 8, temperature: 0.8, maxTokens: 256, seed: 5 };

/** Targets by item id, for comparing two datasets. */
const targets = (provenance: { id: string; target: string }[]): Record<string, string> => Object.fromEntries(provenance.map((p): [string, string] => [p.id, p.target]));

describe('batch mode on real worker processes and the simulator Batch API', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 31, batch: FAST_BATCHES });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('rar2 × 8 in batch mode publishes the same dataset as online on the same seed, in two batch rounds, at the batch price', async () => {
    const fleets: WorkerFleet[] = [];
    try {
      const onlineRun = await batchRunFixture('batch-same-online', redisUrl, simulator, ITEMS, { sampling: SAMPLING }, 'online');
      const batchRun = await batchRunFixture('batch-same-batch', redisUrl, simulator, ITEMS, { sampling: SAMPLING });
      const onlineFleet = WorkerFleet.forRun(redisUrl, onlineRun.prefix);
      const batchFleet = WorkerFleet.forRun(redisUrl, batchRun.prefix);
      fleets.push(onlineFleet, batchFleet);
      const [online, batch] = await Promise.all([publishWith(onlineRun, onlineFleet), publishWith(batchRun, batchFleet)]);
      expect(batch.dataset.manifest.counts).toEqual(online.dataset.manifest.counts);
      expect(targets(batch.dataset.provenance)).toEqual(targets(online.dataset.provenance));
      expect(itemsAccounted(batch.dataset)).toEqual({ out: ITEMS, duplicates: [] });
      // rar2: a rephrase request (n = 8) per item, then 8 answer requests per item.
      expect(batch.counters.registered).toBe(ITEMS * 9);
      expect(batch.counters.answered).toBe(ITEMS * 9);
      expect(batch.counters.resubmitted).toBe(0);
      const lines = await linesPerCustomId(simulator, batchRun.spec.runId);
      expect([...lines.answered.values()].every((count) => count === 1)).toBe(true);
      expect(lines.answered.size).toBe(ITEMS * 9);
      // Same tokens as online, at half the price (no batch prices given).
      const onlineCost = online.dataset.manifest.cost;
      const batchCost = batch.dataset.manifest.cost;
      expect(batchCost?.paid.promptTokens).toBe(onlineCost?.paid.promptTokens);
      expect(batchCost?.paid.usd).toBeCloseTo((onlineCost?.paid.usd ?? 0) / 2, 8);
      expect(batchCost?.batchSaving?.onlineUsd).toBeCloseTo(onlineCost?.paid.usd ?? 0, 8);
      expect(batchCost?.batchSaving?.savingUsd).toBeCloseTo((onlineCost?.paid.usd ?? 0) / 2, 8);
      expect(onlineCost?.batchSaving).toBeUndefined();
      // The manifest and the status report the batches: all ended completed, none open, nothing pending.
      const report = batch.dataset.manifest.batch;
      expect(report?.batches).toMatchObject({ created: batch.counters.batchesCreated, open: 0, completed: batch.counters.batchesCreated, expired: 0 });
      expect(report?.requests).toMatchObject({ registered: ITEMS * 9, pending: 0, answered: ITEMS * 9, resubmitted: 0, failed: 0 });
      // rar2 waits for two rounds per item (rephrase, then answers); an early wake-up may add a park.
      expect(report?.roundsPerItem).toBeGreaterThanOrEqual(2);
      const record = await batchRun.clients.runs.get(batchRun.spec.runId);
      if (record === null) throw new Error('the batch run disappeared');
      const status = statusJson(record, null, await readBatchReport(batchRun.clients.redis, batchRun.prefix, record));
      expect(status).toMatchObject({ mode: 'batch', batch: { batches: { open: 0 }, requests: { pending: 0 } } });
      expect(online.dataset.manifest.batch).toBeUndefined();
      process.stdout.write(`[batch rounds] rar2: ${report?.roundsPerItem} rounds per item, ${batch.counters.batchesCreated} batches for ${ITEMS} items\n`);
    } finally {
      await Promise.all(fleets.map((fleet) => fleet.stopAll()));
    }
  });

  it('an expired batch keeps its completed responses: only the requests that never ran are sent again', async () => {
    // Line i of N finishes at (i + 1) / N of 400 ms after 10 ms validating; expiry at 260 ms cuts the batch about half way.
    simulator.setBatch({ ...FAST_BATCHES, completionDelayMs: 400, expireAfterMs: 260 });
    const before = simulator.stats().batch;
    const run = await batchRunFixture('batch-expired', redisUrl, simulator, 4, { sampling: { ...SAMPLING, samples: 4 } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    try {
      fleet.spawn();
      await run.submit();
      // Only the first batch is cut short: later ones (the resubmission included) run to the end.
      while (simulator.stats().batch.batchesCreated === before.batchesCreated) await sleep(10);
      simulator.setBatch(FAST_BATCHES);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      expect(itemsAccounted(dataset)).toEqual({ out: 4, duplicates: [] });
      expect(dataset.manifest.counts.errored).toBe(0);
      const after = simulator.stats().batch;
      const expired = after.notExecuted - before.notExecuted;
      expect(expired).toBeGreaterThan(0);
      const counters = await new BatchStore(run.clients.redis, run.prefix).counters(run.spec.runId);
      expect(counters.ended.expired).toBe(1);
      // Exactly the lines that never ran were sent again; every request was answered once, none paid twice.
      expect(counters.resubmitted).toBe(expired);
      expect(counters.submitted).toBe(counters.registered + expired);
      const lines = await linesPerCustomId(simulator, run.spec.runId);
      expect(lines.answered.size).toBe(counters.registered);
      expect([...lines.answered.values()].every((count) => count === 1)).toBe(true);
      expect(after.requests - before.requests).toBe(counters.registered);
    } finally {
      simulator.setBatch(FAST_BATCHES);
      await fleet.stopAll();
      await run.clients.close();
    }
  });

  it('an endpoint that refuses batch creation fails the run with a reason naming the Batch API', async () => {
    simulator.setBatch({ ...FAST_BATCHES, refuseCreate: true });
    const run = await batchRunFixture('batch-refused', redisUrl, simulator, 4, { sampling: { ...SAMPLING, samples: 2 } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    try {
      fleet.spawn();
      await run.submit();
      await expect(waitForPublication(run.clients.runs, run.spec.runId, 50)).rejects.toBeInstanceOf(RunFailedError);
      const record = await run.clients.runs.get(run.spec.runId);
      expect(record?.state).toBe('failed');
      expect(record?.error).toMatch(/refused to create a batch \(Batch API\).*400/);
    } finally {
      simulator.setBatch(FAST_BATCHES);
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
