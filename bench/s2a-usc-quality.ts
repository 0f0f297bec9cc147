/**
 * `node --import tsx bench/s2a-usc-quality.ts`: biased QA on the LLM simulator. System 1 vs S2A (one greedy answer
 * per held-out item) on the biased variants, then S2A × N distilled through the real queue twice on the same items,
 * curated by USC and by exact-match vote: dataset label accuracy on the biased variants, acceptance, and mean
 * generated tokens per item. Printed, never asserted (the simulator's numbers, not a model's).
 */
import { join } from 'node:path';
import { startLocalRedis } from '../infra/redis/local-redis.js';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import { openArtifactStore } from '../shared/artifacts/open-artifact-store.js';
import { datasetLabelAccuracy } from '../shared/eval/dataset-label-accuracy.js';
import { evaluateStrategy } from '../shared/eval/evaluate-strategy.js';
import { readLabelledSet, readLabels } from '../shared/eval/labelled-item.js';
import { MemoryCallCache } from '../shared/llm/call-cache.js';
import { createOpenAiClient, OpenAiSampler } from '../shared/llm/openai-sampler.js';
import { createLogger } from '../shared/logger.js';
import { waitForPublication } from '../shared/runs/wait-for-publication.js';
import { getStrategy, resolveTemplates } from '../shared/strategies/strategy-registry.js';
import { writeTaskFiles } from '../producers/write-task-files.js';
import { startWorkers } from '../workers/start-workers.js';
import { createRunFixture } from '../test/helpers/run-fixture.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { datasetFolder } from '../shared/dataset/dataset-layout.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 400);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const MODEL = 'sim-llama-2-70b-chat';
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

async function main(): Promise<void> {
  const redis = await startLocalRedis();
  const simulator = await startSimulator({ seed: 1, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, maxConcurrentSequences: 512 });
  try {
    // Held-out items for the single-answer comparison.
    const dir = await mkdtemp(join(tmpdir(), 's2d-bench-s2a-'));
    const heldOut = await writeTaskFiles({ family: 'biased-qa', count: ITEMS, seed: 2_000, dir, name: 'heldout' });
    const biasedItems = (await readLabelledSet(heldOut.inputsPath, heldOut.labelsPath, 'text')).filter((item) => item.variant !== 'none');
    const client = createOpenAiClient({ baseUrl: simulator.baseUrl, apiKey: 'no-key', timeoutMs: 60_000 });
    const { templates } = resolveTemplates({});
    const single = (name: 'system1' | 's2a') =>
      evaluateStrategy({
        items: biasedItems,
        strategy: getStrategy(name),
        templates,
        samplerFor: () => new OpenAiSampler({ client, model: MODEL, seed: 7, useN: 'auto', nSupport: { honoured: undefined }, cache: new MemoryCallCache() }),
        params: { temperature: 0, maxTokens: 512 },
        concurrency: 32,
      });
    const [s1, s2] = [await single('system1'), await single('s2a')];
    console.log(`biased QA on the simulator — ${biasedItems.length} held-out biased items, one greedy answer each`);
    console.log(`  System 1   accuracy ${pct(s1.overall.accuracy)}   generated tokens/item ${s1.overall.tokensPerItem.toFixed(1)}`);
    console.log(`  S2A        accuracy ${pct(s2.overall.accuracy)}   generated tokens/item ${s2.overall.tokensPerItem.toFixed(1)}   calls/item ${s2.overall.callsPerItem.toFixed(1)}`);

    console.log(`\ndistillation: S2A × ${SAMPLES} samples over ${ITEMS} items, same samples curated two ways`);
    console.log('  curation   accepted   label acc (biased)   label acc (all)   gen tokens/item   calls/item');
    for (const method of ['usc', 'vote'] as const) {
      const run = await createRunFixture({
        label: `bench-s2a-${method}`,
        redisUrl: redis.url,
        baseUrl: simulator.baseUrl,
        items: ITEMS,
        family: 'biased-qa',
        spec: { answerType: 'text', strategy: 's2a', sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 512, seed: 3 }, curation: { minAgreement: 0.5, method } },
      });
      const workers = startWorkers({ redisUrl: redis.url, prefix: run.prefix, concurrency: 32, lockDurationMs: 60_000, stalledIntervalMs: 60_000, logger: createLogger('silent') });
      try {
        await run.submit();
        await waitForPublication(run.clients.runs, run.spec.runId, 50);
      } finally {
        await workers.close(false);
        await run.clients.close();
      }
      const { manifest } = await run.readDataset();
      const runLabels = await readLabels(join(run.dir, 'items.labels.jsonl'));
      const accuracy = await datasetLabelAccuracy(openArtifactStore(run.spec.output.dir), datasetFolder(run.spec.name, run.spec.runId), runLabels);
      const biased = Object.entries(accuracy.byVariant).filter(([variant]) => variant !== 'none').map(([, v]) => v);
      const biasedAccepted = biased.reduce((sum, v) => sum + v.accepted, 0);
      const biasedCorrect = biased.reduce((sum, v) => sum + v.correct, 0);
      const { inputs, accepted } = manifest.counts;
      console.log(
        `  ${method.padEnd(8)}   ${`${accepted}/${inputs}`.padStart(8)}   ${pct(biasedCorrect / biasedAccepted).padStart(18)}   ${pct(accuracy.accuracy).padStart(15)}   ` +
          `${(manifest.tokens.completion / inputs).toFixed(1).padStart(15)}   ${(manifest.tokens.calls / inputs).toFixed(2).padStart(10)}`,
      );
    }
  } finally {
    await simulator.close();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
