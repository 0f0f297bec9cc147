import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
      process.stdout.write(`[batch rounds] rar2: ${batch.counters.batchesCreated} batches for ${ITEMS} items\n`);
    } finally {
      await Promise.all(fleets.map((fleet) => fleet.stopAll()));
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
