import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import type { RunSpecInput } from '../../shared/config/run-spec.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import type { TaskName } from '../../shared/tasks/task-family.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const ITEMS = 4;
const SAMPLING = { samples: 4, temperature: 0.8, maxTokens: 256, seed: 9 };

interface Case {
  label: string;
  family: TaskName | 'pairwise-judge';
  spec: Partial<RunSpecInput>;
  /** The batch rounds an item of this program waits for, at least (one per step whose calls depend on earlier ones; USC is skipped when the samples agree). */
  minRounds: number;
}

/** Each built-in program in batch mode: how many batch rounds its items wait for (the figure docs/batch-mode.md gives). */
const CASES: Case[] = [
  { label: 'cot', family: 'last-letter', spec: { strategy: 'cot', answerType: 'letters' }, minRounds: 1 },
  { label: 'rar1', family: 'last-letter', spec: { strategy: 'rar1', answerType: 'letters' }, minRounds: 1 },
  { label: 'rar2', family: 'last-letter', spec: { strategy: 'rar2', answerType: 'letters' }, minRounds: 2 },
  { label: 'rar2+usc', family: 'last-letter', spec: { strategy: 'rar2', answerType: 'letters', curation: { minAgreement: 0.5, method: 'usc' } }, minRounds: 3 },
  { label: 'rar2 adaptive', family: 'last-letter', spec: { strategy: 'rar2', answerType: 'letters', sampling: { ...SAMPLING, adaptive: { rule: 'beta', minSamples: 2 } } }, minRounds: 2 },
  { label: 's2a+usc', family: 'biased-qa', spec: { strategy: 's2a', answerType: 'text' }, minRounds: 2 },
  { label: 'bsm', family: 'pairwise-judge', spec: { strategy: 'bsm', answerType: 'verdict', sampling: { samples: 1, temperature: 0 }, perturbations: { kinds: ['swap-ab'] } }, minRounds: 2 },
];

describe('batch rounds per built-in program (in-process workers, simulator Batch API)', () => {
  let simulator: RunningSimulator;
  const rounds: string[] = [];
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 13, batch: { validatingMs: 5, completionDelayMs: 20, finalizingMs: 5 } });
  });
  afterAll(async () => {
    process.stdout.write(`[batch rounds per item]\n${rounds.join('\n')}\n`);
    await simulator.close();
  });

  it.each(CASES)('$label publishes in batch mode; rounds per item recorded', async ({ label, family, spec, minRounds }) => {
    const model = { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl, mode: 'batch' as const, batch: { pollMs: 20 } };
    const run = await createRunFixture({ label: `rounds-${label.replace(/[^a-z0-9]/g, '-')}`, redisUrl, baseUrl: simulator.baseUrl, items: ITEMS, family, spec: { sampling: SAMPLING, ...spec, model } });
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    try {
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 20);
      const dataset = await run.readDataset();
      expect(dataset.manifest.counts.inputs).toBe(ITEMS);
      expect(dataset.manifest.counts.errored).toBe(0);
      expect(duplicateIndices(dataset)).toEqual([]);
      const counters = await new BatchStore(run.clients.redis, run.prefix).counters(run.spec.runId);
      const report = dataset.manifest.batch;
      expect(report?.requests.answered).toBe(counters.registered);
      expect(report?.roundsPerItem).toBeGreaterThanOrEqual(minRounds);
      rounds.push(`  ${label.padEnd(14)} ${String(report?.roundsPerItem)} rounds/item, ${counters.batchesCreated} batches, ${counters.registered} requests for ${ITEMS} items`);
    } finally {
      await workers.close(false);
      await run.clients.close();
    }
  });
});
