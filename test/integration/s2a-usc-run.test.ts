import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import type { ItemResult } from '../../shared/dataset/item-result.js';
import { datasetLabelAccuracy } from '../../shared/eval/dataset-label-accuracy.js';
import { readLabels } from '../../shared/eval/labelled-item.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { DEFAULT_TEMPLATE_VERSION as V } from '../../shared/strategies/templates.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, duplicateIndices, type RunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const ITEMS = 40;
const SAMPLES = 8;
const FAST = { ttftMs: 0, perTokenMs: 0, jitter: 0 };

async function distil(run: RunFixture): Promise<ItemResult[]> {
  await run.submit();
  const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
  try {
    await waitForPublication(run.clients.runs, run.spec.runId, 50);
  } finally {
    await workers.close(false);
  }
  const results: ItemResult[] = [];
  for await (const result of new ItemResultStore(openArtifactStore(run.spec.output.dir)).readAll(run.spec.runId, ITEMS)) results.push(result);
  return results;
}

const spec = (maxAttempts: number) => ({
  answerType: 'text' as const,
  strategy: 's2a' as const,
  sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 5 },
  curation: { minAgreement: 0.5 },
  maxAttempts,
  retryBackoffMs: 50,
});

describe('an S2A + USC run on biased QA through BullMQ', () => {
  let healthy: Awaited<ReturnType<typeof startSimulator>>;
  let flaky: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    healthy = await startSimulator({ seed: 8, latency: FAST });
    flaky = await startSimulator({ seed: 8, latency: FAST, faults: { rate500: 0.25 } });
  });
  afterAll(async () => {
    await healthy.close();
    await flaky.close();
  });

  let healthyRequests = 0;

  it('curates with USC by default: targets beat S2A per-sample accuracy on the biased variants, every call counted', async () => {
    const run = await createRunFixture({ label: 's2a-usc', redisUrl, baseUrl: healthy.baseUrl, items: ITEMS, family: 'biased-qa', spec: spec(3) });
    try {
      const results = await distil(run);
      const dataset = await run.readDataset();
      expect(dataset.manifest.strategy).toEqual({ name: 's2a', templateVersions: { s2aRewrite: V, s2aAnswer: V, uscSelect: V, answerFormat: V } });
      expect(dataset.manifest.counts.inputs).toBe(ITEMS);
      expect(duplicateIndices(dataset)).toEqual([]);

      // The call count of every item: one rewrite and one answer per sample, plus the USC call unless skipped.
      const uscCalls = results.filter((r) => r.curation?.uscCall === true).length;
      expect(uscCalls).toBeGreaterThan(ITEMS / 2);
      for (const result of results) {
        expect(result.curation?.method).toBe('usc');
        expect(result.calls).toBe(SAMPLES * 2 + (result.curation?.uscCall === true ? 1 : 0));
      }
      for (const record of dataset.provenance) expect(record.curation?.method).toBe('usc');
      const stats = healthy.stats();
      expect(stats.requestsByMode['usc-select']).toBe(uscCalls);
      expect(stats.requestsByMode['s2a-rewrite']).toBe(ITEMS);
      expect(stats.requestsByMode['s2a-answer']).toBe(ITEMS * SAMPLES);
      healthyRequests = stats.byStatus['200'] ?? 0;
      expect(healthyRequests).toBe(ITEMS * (1 + SAMPLES) + uscCalls);
      expect((await run.clients.runs.get(run.spec.runId))?.llmRequests).toBe(healthyRequests);
      const paid = dataset.manifest.tokens.calls;
      expect(paid).toBe(results.filter((r) => r.status === 'accepted').reduce((sum, r) => sum + r.calls, 0) + results.filter((r) => r.status === 'rejected').reduce((sum, r) => sum + r.calls, 0));

      // Gold labels are read only here, after publication.
      const labels = await readLabels(join(run.dir, 'items.labels.jsonl'));
      const accuracy = await datasetLabelAccuracy(openArtifactStore(run.spec.output.dir), datasetFolder(run.spec.name, run.spec.runId), labels);
      const biased = Object.entries(accuracy.byVariant).filter(([variant]) => variant !== 'none');
      const accepted = biased.reduce((sum, [, v]) => sum + v.accepted, 0);
      const correct = biased.reduce((sum, [, v]) => sum + v.correct, 0);
      console.log(`S2A+USC biased-qa: ${accepted} biased items accepted, label accuracy ${(correct / accepted).toFixed(3)}; all ${accuracy.accepted} accepted: ${accuracy.accuracy.toFixed(3)}`);
      expect(accepted).toBeGreaterThan(ITEMS / 2);
      expect(correct / accepted).toBeGreaterThan(healthy.options.accuracy['biased-qa'].s2a);
    } finally {
      await run.clients.close();
    }
  });

  it('with failing requests, retried items pay for no call twice: the same successful requests as a healthy run', async () => {
    expect(healthyRequests).toBeGreaterThan(0);
    const run = await createRunFixture({ label: 's2a-usc-flaky', redisUrl, baseUrl: flaky.baseUrl, items: ITEMS, family: 'biased-qa', spec: spec(10) });
    try {
      const results = await distil(run);
      expect(results.filter((r) => r.status === 'errored')).toEqual([]);
      const stats = flaky.stats();
      expect(stats.byStatus['500']).toBeGreaterThan(0);
      // Same seed, same prompts: the same replies, so the same calls are needed, and each was paid exactly once.
      expect(stats.byStatus['200']).toBe(healthyRequests);
    } finally {
      await run.clients.close();
    }
  });
});
