import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import type { CrashPoint } from '../../workers/batch/crash-point.js';
import { WorkerFleet } from './fault-harness.js';
import { batchRunFixture, FAST_BATCHES, itemsAccounted, linesPerCustomId } from './batch-harness.js';

const redisUrl = inject('redisUrl');
const ITEMS = 6;

/**
 * A worker SIGKILLs itself at a named point of its batcher (S2D_TEST_CRASH_AT, test only); a second worker takes the
 * run over once the first one's locks lapse. The scenarios run at once (each its own run and prefix) to keep
 * the file short: worker start-up dominates.
 */
describe.concurrent('batch mode: a worker SIGKILLed inside the batcher', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 41, batch: FAST_BATCHES });
  });
  afterAll(async () => {
    await simulator.close();
  });

  // Eight worker start-ups share the machine: each scenario gets two minutes.
  it.each<CrashPoint>(['after-upload', 'after-create', 'while-polling', 'during-ingest'])('killed %s: 0 lost, 0 duplicated items, one batch per sequence, no request answered twice', { timeout: 120_000 }, async (point) => {
    const run = await batchRunFixture(`batch-kill-${point}`, redisUrl, simulator, ITEMS, { sampling: { samples: 4, temperature: 0.8, maxTokens: 256, seed: 7 } });
    const first = WorkerFleet.forRun(redisUrl, run.prefix, { S2D_TEST_CRASH_AT: point });
    const second = WorkerFleet.forRun(redisUrl, run.prefix);
    try {
      const victim = first.spawn();
      await run.submit();
      expect(await victim.exited).toBe('SIGKILL');
      const before = await new BatchStore(run.clients.redis, run.prefix).openBatches(run.spec.runId);
      // The batch the victim was working on is recorded as far as it got: claimed before the upload's id, uploaded
      // before the create's, created while polling, ended while its answers were being ingested.
      const expected = { 'after-upload': 'claimed', 'after-create': 'uploaded', 'while-polling': 'created', 'during-ingest': 'ended' }[point];
      expect(before.map((record) => record.state)).toContain(expected);
      second.spawn();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      expect(itemsAccounted(dataset)).toEqual({ out: ITEMS, duplicates: [] });
      expect(dataset.manifest.counts.errored).toBe(0);
      const lines = await linesPerCustomId(simulator, run.spec.runId);
      expect([...lines.batchesPerSeq.values()].every((count) => count === 1)).toBe(true);
      expect([...lines.answered.values()].every((count) => count === 1)).toBe(true);
      const counters = await new BatchStore(run.clients.redis, run.prefix).counters(run.spec.runId);
      // Every request registered was answered once and counted once: paid tokens match what the batches returned.
      expect(lines.answered.size).toBe(counters.registered);
      expect(counters.answered).toBe(counters.registered);
      const record = await run.clients.runs.get(run.spec.runId);
      expect(record?.llmRequests).toBe(counters.registered);
    } finally {
      await Promise.all([first.stopAll(), second.stopAll()]);
      await run.clients.close();
    }
  });
});
