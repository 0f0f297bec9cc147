import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import type { SamplingRecord } from '../../shared/dataset/item-result.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, duplicateIndices, type PublishedDataset } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const ITEMS = 30;

interface Measured {
  requests: number;
  dataset: PublishedDataset;
  sampling: (SamplingRecord | undefined)[];
}

describe('adaptive self-consistency through the real workers, redis-server and the simulator', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  async function distil(label: string, adaptive: boolean): Promise<Measured> {
    const run = await createRunFixture({
      label,
      redisUrl,
      baseUrl: simulator.baseUrl,
      items: ITEMS,
      family: 'coin-flip',
      spec: { answerType: 'yes-no', sampling: { samples: 8, temperature: 0.8, maxTokens: 256, seed: 3, ...(adaptive ? { adaptive: true } : {}) } },
    });
    const before = simulator.stats().requests;
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    try {
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
    } finally {
      await workers.close(false);
      await run.clients.close();
    }
    const dataset = await run.readDataset();
    const records = [...dataset.provenance, ...dataset.rejects] as { index: number; sampling?: SamplingRecord }[];
    const sampling = records.sort((a, b) => a.index - b.index).map((record) => record.sampling);
    return { requests: simulator.stats().requests - before, dataset, sampling };
  }

  it('pays fewer simulator requests than fixed N on the same items, and records each item\'s decision in provenance and the manifest', async () => {
    const fixed = await distil('fixed-8', false);
    const adaptive = await distil('adaptive-8', true);

    // Fixed rar2 × 8 with `n`: one rephrase request and eight answer requests per item.
    expect(fixed.requests).toBe(ITEMS * 9);
    expect(adaptive.requests).toBeLessThan(fixed.requests);
    expect(fixed.sampling.every((record) => record === undefined)).toBe(true);
    expect(fixed.dataset.manifest.sampling).toEqual({ policy: 'fixed', maxPerItem: 8, drawn: ITEMS * 8 });

    expect(adaptive.sampling).toHaveLength(ITEMS);
    for (const record of adaptive.sampling) {
      expect(record).toMatchObject({ max: 8, decision: expect.stringMatching(/^(decided|undecidable|max-samples)$/) as unknown, why: expect.any(String) as unknown });
      expect(record?.drawn).toBeGreaterThanOrEqual(4);
      expect(record?.drawn).toBeLessThanOrEqual(8);
    }
    const decided = adaptive.dataset.provenance as unknown as { samples: number; sampling: SamplingRecord }[];
    expect(decided.some((p) => p.sampling.drawn < 8 && /^(beta P=|settled after)/.test(p.sampling.why))).toBe(true);
    for (const p of decided) expect(p.samples).toBe(p.sampling.drawn);

    const { manifest } = adaptive.dataset;
    const drawn = adaptive.sampling.reduce((sum, record) => sum + (record?.drawn ?? 0), 0);
    expect(manifest.spec.sampling.adaptive).toEqual({ rule: 'beta', confidence: 0.95, minSamples: 3, rejectBelow: 0.05 });
    expect(manifest.sampling).toMatchObject({ policy: 'adaptive', maxPerItem: 8, drawn });
    expect(drawn).toBeLessThan(ITEMS * 8);
    expect(Object.values(manifest.sampling?.decisions ?? {}).reduce((sum, n) => sum + n, 0)).toBe(ITEMS);
    expect(manifest.counts.accepted + manifest.counts.rejected).toBe(ITEMS);
    expect(duplicateIndices(adaptive.dataset)).toEqual([]);
    // The manifest's call count is every item's completions: adaptive draws fewer, so it uses fewer.
    expect(manifest.tokens.calls).toBeLessThan(fixed.dataset.manifest.tokens.calls);
  });
});
