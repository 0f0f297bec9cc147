import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import type { ItemResult } from '../../shared/dataset/item-result.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { readLabels } from '../../shared/eval/labelled-item.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, duplicateIndices, type RunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const ITEMS = 80;

interface JudgeRunResult {
  run: RunFixture;
  results: ItemResult[];
  gold: Map<string, string>;
  /** Verdicts of each order that name the better response, over 2 × items. */
  perOrderAgreement: number;
  /** Items whose two orders disagree once mapped back. */
  flipped: number;
  curatedAgreement: number;
  tokensPerItem: number;
  requests: number;
}

async function judgeRun(baseUrl: string, strategy: 'bsm' | 'system1', label: string, emitSwapped = false): Promise<JudgeRunResult> {
  const run = await createRunFixture({
    label,
    redisUrl,
    baseUrl,
    items: ITEMS,
    family: 'pairwise-judge',
    spec: { strategy, answerType: 'verdict', sampling: { samples: 1, temperature: 0 }, perturbations: { kinds: ['swap-ab'], emitSwapped } },
  });
  await run.submit();
  const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
  try {
    await waitForPublication(run.clients.runs, run.spec.runId, 50);
  } finally {
    await workers.close(false);
  }
  const results: ItemResult[] = [];
  for await (const result of new ItemResultStore(openArtifactStore(run.spec.output.dir)).readAll(run.spec.runId, ITEMS)) results.push(result);
  const labels = await readLabels(run.labelsPath);
  const gold = new Map([...labels].map(([id, label]) => [id, label.answer]));
  let agree = 0;
  let flipped = 0;
  let accepted = 0;
  let curatedRight = 0;
  for (const result of results) {
    const [original, swapped] = result.variants ?? [];
    const better = gold.get(result.id);
    if (original?.mapped === better) agree++;
    if (swapped?.mapped === better) agree++;
    if (original?.mapped === null || original?.mapped !== swapped?.mapped) flipped++;
    if (result.status === 'accepted') {
      accepted++;
      if (result.target === `[[${better ?? '?'}]]`) curatedRight++;
    }
  }
  const record = await run.clients.runs.get(run.spec.runId);
  return {
    run,
    results,
    gold,
    perOrderAgreement: agree / (2 * ITEMS),
    flipped: flipped / ITEMS,
    curatedAgreement: accepted === 0 ? 0 : curatedRight / accepted,
    tokensPerItem: results.reduce((sum, r) => sum + r.usage.completionTokens, 0) / ITEMS,
    requests: record?.llmRequests ?? 0,
  };
}

describe('pairwise judging with swap-ab consistency, through BullMQ on a real redis-server and the simulator over HTTP', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 21 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('BSM: curated verdicts agree more than BSM per order, inconsistent items are rejected with both answers, counts reconcile', async () => {
    simulator.resetStats();
    const bsm = await judgeRun(simulator.baseUrl, 'bsm', 'bsm-swap');
    try {
      const dataset = await bsm.run.readDataset();
      const { counts } = dataset.manifest;
      console.log(`bsm run: per-order agreement ${bsm.perOrderAgreement.toFixed(3)}, flipped ${bsm.flipped.toFixed(3)}, curated ${bsm.curatedAgreement.toFixed(3)} of ${counts.accepted}, tokens/item ${bsm.tokensPerItem.toFixed(1)}, requests ${bsm.requests}`);
      expect(counts.inputs).toBe(ITEMS);
      expect(counts.accepted + counts.rejected + counts.errored).toBe(ITEMS);
      expect(counts.errored).toBe(0);
      expect(dataset.chatLines).toHaveLength(counts.accepted);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.manifest.strategy.name).toBe('bsm');

      expect(bsm.curatedAgreement).toBeGreaterThan(bsm.perOrderAgreement);
      expect(bsm.flipped).toBeGreaterThan(0);
      expect(counts.rejectReasons['perturbation-inconsistent']).toBe(Math.round(bsm.flipped * ITEMS));
      for (const reject of dataset.rejects.filter((r) => r.code === 'perturbation-inconsistent')) {
        expect(reject.reason).toMatch(/^answers disagree across perturbations: original (A|B|tie|none).*; swap-ab /);
      }
      // The training line is the System 1 judge prompt (both responses inside) -> the bare verdict.
      for (const line of dataset.chatLines) {
        expect(line.messages[0]?.content).toContain('[Response B begins]');
        expect(line.messages[1]?.content).toMatch(/^\[\[[ABC]\]\]$/);
      }
      const provenance = dataset.provenance as unknown as { variants?: { name: string; mapped: string | null }[]; target: string }[];
      for (const record of provenance) {
        expect(record.variants?.map((v) => v.name)).toEqual(['original', 'swap-ab']);
        expect(new Set(record.variants?.map((v) => v.mapped)).size).toBe(1);
      }
      // Branch is question-only, so both orders share it: 1 branch + 2 x (criteria) solve requests per item, never 2 branches.
      const branches = simulator.stats().requestsByMode['bsm-branch'];
      expect(branches).toBe(ITEMS);
    } finally {
      await bsm.run.clients.close();
    }
  });

  it('System 1 judge: swapping the responses flips most verdicts, so few items survive', async () => {
    const system1 = await judgeRun(simulator.baseUrl, 'system1', 'system1-swap');
    try {
      const dataset = await system1.run.readDataset();
      console.log(`system1 run: per-order agreement ${system1.perOrderAgreement.toFixed(3)}, flipped ${system1.flipped.toFixed(3)}, accepted ${dataset.manifest.counts.accepted}, tokens/item ${system1.tokensPerItem.toFixed(1)}`);
      expect(system1.flipped).toBeGreaterThan(0.6);
      expect(system1.perOrderAgreement).toBeLessThan(0.45);
      expect(dataset.manifest.counts.rejectReasons['perturbation-inconsistent']).toBe(Math.round(system1.flipped * ITEMS));
      expect(dataset.manifest.counts.accepted + dataset.manifest.counts.rejected).toBe(ITEMS);
      // System 1 calls: one per order and item (the two orders are different prompts, so nothing collapses).
      expect(system1.requests).toBe(2 * ITEMS);
    } finally {
      await system1.run.clients.close();
    }
  });

  it('emitSwapped: each accepted item also yields its swapped input with the verdict flipped, in the same split; counts reconcile', async () => {
    const bsm = await judgeRun(simulator.baseUrl, 'bsm', 'bsm-emit', true);
    try {
      const dataset = await bsm.run.readDataset();
      const { counts } = dataset.manifest;
      expect(counts.accepted).toBeGreaterThan(0);
      expect(counts.augmented).toBe(counts.accepted);
      expect(counts.train + counts.validation).toBe(2 * counts.accepted);
      expect(dataset.chatLines).toHaveLength(2 * counts.accepted);
      const flip: Record<string, string> = { '[[A]]': '[[B]]', '[[B]]': '[[A]]', '[[C]]': '[[C]]' };
      const byPrompt = new Map(dataset.chatLines.map((line) => [line.messages[0]?.content ?? '', line.messages[1]?.content ?? '']));
      for (const result of bsm.results) {
        if (result.status !== 'accepted') continue;
        const [extra] = result.augmented ?? [];
        expect(extra?.variant).toBe('swap-ab');
        expect(byPrompt.get(result.prompt)).toBe(result.target);
        expect(byPrompt.get(extra?.prompt ?? '')).toBe(flip[result.target]);
        expect(extra?.prompt).not.toBe(result.prompt);
      }
    } finally {
      await bsm.run.clients.close();
    }
  });
});
