import OpenAI from 'openai';
import type { RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { BatchStore, type BatchCounters } from '../../shared/batch/batch-store.js';
import type { RunSpecInput } from '../../shared/config/run-spec.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture, duplicateIndices, type PublishedDataset, type RunFixture } from '../helpers/run-fixture.js';
import { WorkerFleet } from './fault-harness.js';

/** Batch clock of the simulator in these tests: tens of ms, so a round takes well under a second. */
export const FAST_BATCHES = { validatingMs: 10, completionDelayMs: 40, finalizingMs: 10 };
/** The batcher's look interval in these tests, ms. */
export const POLL_MS = 50;

export interface BatchRunOutcome {
  run: RunFixture;
  dataset: PublishedDataset;
  counters: BatchCounters;
}

/** A run fixture in batch mode (rar2 over last-letter items unless `spec` says otherwise). */
export function batchRunFixture(label: string, redisUrl: string, simulator: RunningSimulator, items: number, spec: Partial<RunSpecInput> = {}, mode: 'batch' | 'online' = 'batch'): Promise<RunFixture> {
  const model = { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl, mode, batch: { pollMs: POLL_MS, maxTries: 3 }, prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 } };
  return createRunFixture({ label, redisUrl, baseUrl: simulator.baseUrl, items, spec: { model, ...spec } });
}

/** Submits the run, waits for its dataset with `fleet` working, and reads it. */
export async function publishWith(run: RunFixture, fleet: WorkerFleet, workers = 1): Promise<BatchRunOutcome> {
  for (let i = 0; i < workers; i++) fleet.spawn();
  await run.submit();
  await waitForPublication(run.clients.runs, run.spec.runId, 50);
  const dataset = await run.readDataset();
  return { run, dataset, counters: await new BatchStore(run.clients.redis, run.prefix).counters(run.spec.runId) };
}

/** Every batch line the simulator ran for this run, counted per custom_id (from the batches' output and error files). */
export async function linesPerCustomId(simulator: RunningSimulator, runId: string): Promise<{ answered: Map<string, number>; batchesPerSeq: Map<string, number> }> {
  const client = new OpenAI({ baseURL: simulator.baseUrl, apiKey: 'no-key' });
  const answered = new Map<string, number>();
  const batchesPerSeq = new Map<string, number>();
  for await (const batch of client.batches.list({ limit: 100 })) {
    const metadata = batch.metadata as Record<string, string> | null;
    if (metadata?.s2d_run !== runId) continue;
    const seq = metadata.s2d_seq ?? '?';
    batchesPerSeq.set(seq, (batchesPerSeq.get(seq) ?? 0) + 1);
    const outputFileId: unknown = batch.output_file_id;
    if (typeof outputFileId !== 'string') continue;
    const text = await (await client.files.content(outputFileId)).text();
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const id = (JSON.parse(line) as { custom_id: string }).custom_id;
      answered.set(id, (answered.get(id) ?? 0) + 1);
    }
  }
  return { answered, batchesPerSeq };
}

/** Item-level accounting: every input once, none twice. */
export function itemsAccounted(dataset: PublishedDataset): { out: number; duplicates: number[] } {
  return { out: dataset.provenance.length + dataset.rejects.length, duplicates: duplicateIndices(dataset) };
}
