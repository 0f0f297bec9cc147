import type { DistillQueues } from '../shared/queue/distill-queues.js';
import type { ArtifactStore } from '../shared/artifacts/artifact-store.js';
import { datasetFolder } from '../shared/dataset/dataset-layout.js';
import type { ItemResult } from '../shared/dataset/item-result.js';
import { ItemResultStore } from '../shared/dataset/read-item-results.js';
import { REJECTS_FILE } from '../shared/dataset/publish-dataset.js';
import { distillJobOptions } from '../shared/queue/distill-job-options.js';
import type { DistillJob } from '../shared/queue/job-payloads.js';
import type { RunRecord, RunStore } from '../shared/runs/run-store.js';

export interface RetryDeps {
  runs: RunStore;
  /** The distill queue shards; each item goes back to its own (distill-shard.ts). */
  distillQueues: DistillQueues;
  /** The run's artifact store (its spec's output). */
  store: ArtifactStore;
}

export interface RetryOutcome {
  runId: string;
  /** The dataset version the retried run will publish. */
  version: number;
  /** Items enqueued again (the errored items of the version before). */
  retried: number;
  /** The manifest the new version links (null when nothing was retried). */
  previousManifest: string | null;
  /** True when an earlier `s2d retry` of this version was interrupted and this one finished enqueuing it. */
  resumed: boolean;
}

/** A run that cannot be retried (not published, no such run); the message says why. */
export class RetryRefusedError extends Error {
  override readonly name = 'RetryRefusedError';
}

/**
 * `s2d retry`: runs a published run's errored items again and has the run publish a new version of its dataset.
 *
 * 1. The errored items are read from the published version's `rejects.jsonl`.
 * 2. Each one's errored result is retired (copied to `_staging/<runId>/retired/v<version>/…`, then deleted) so the
 *    item's next execution stores a new result.
 * 3. The run moves published -> running in one Redis step (RunStore.beginRetry): version + 1, the current manifest
 *    kept as `previousManifest`, the bitmaps rebuilt so exactly these items are left to do.
 * 4. The items are enqueued with their old ids (same job ids, same call caches: completions an errored item paid for
 *    before it failed are reused while its cache lives, 7 days; see workers/distill/finish-item.ts).
 * Publication then writes `<name>/<runId>/v<version>/` with a manifest linking the previous one, and moves `_LATEST`.
 *
 * Safe to run again after a crash: before step 3 nothing is changed but retired copies (found again in step 2); after
 * it, a run that is running a retry gets its missing jobs added (deterministic ids make that a no-op for the rest).
 */
export async function retryRun(runId: string, deps: RetryDeps): Promise<RetryOutcome> {
  const run = await deps.runs.get(runId);
  if (run === null) throw new RetryRefusedError(`no run ${runId}`);
  const results = new ItemResultStore(deps.store);
  if (run.state === 'published') {
    const indices = await erroredIndices(deps.store, run, run.version);
    if (indices.length === 0) return { runId, version: run.version, retried: 0, previousManifest: null, resumed: false };
    const payloads: DistillJob[] = [];
    for (const index of indices) payloads.push(payloadOf(runId, index, await results.retire(runId, index, run.version)));
    const begun = await deps.runs.beginRetry(runId, run.version, indices);
    if (!begun.ok) throw new RetryRefusedError(`run ${runId} could not be reopened: it is ${begun.state ?? 'gone'} (another s2d retry may be running)`);
    await enqueue(deps.distillQueues, run, payloads);
    return { runId, version: run.version + 1, retried: indices.length, previousManifest: run.manifestLocation, resumed: false };
  }
  const live = run.state === 'running' || run.state === 'paused' || run.state === 'producing';
  if (live && run.version > 1 && run.previousManifest !== null) {
    const previous = run.version - 1;
    const indices = await erroredIndices(deps.store, run, previous);
    const payloads: DistillJob[] = [];
    for (const index of indices) {
      if (await deps.runs.isDone(runId, index)) continue;
      // Every retired copy was written before the run was reopened; the staged result, if any, is this version's.
      payloads.push(payloadOf(runId, index, await results.getRetired(runId, index, previous)));
    }
    await enqueue(deps.distillQueues, run, payloads);
    return { runId, version: run.version, retried: indices.length, previousManifest: run.previousManifest, resumed: true };
  }
  throw new RetryRefusedError(`run ${runId} is ${run.state}: only a published run can be retried`);
}

/** Indices of the errored items of a published version, from its rejects file. */
async function erroredIndices(store: ArtifactStore, run: RunRecord, version: number): Promise<number[]> {
  const key = `${datasetFolder(run.spec.name, run.runId, version)}/${REJECTS_FILE}`;
  const bytes = await store.get(key);
  if (bytes === null) throw new RetryRefusedError(`run ${run.runId}: ${store.locate(key)} is missing`);
  return new TextDecoder()
    .decode(bytes)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { index: number; status: string })
    .filter((reject) => reject.status === 'errored')
    .map((reject) => reject.index);
}

function payloadOf(runId: string, index: number, result: ItemResult | null): DistillJob {
  if (result === null) throw new RetryRefusedError(`run ${runId}: item ${index} has no stored result to retry from`);
  if (result.status !== 'errored') throw new RetryRefusedError(`run ${runId}: item ${index} is ${result.status}, not errored`);
  if (result.answerType === undefined || result.prompt === '') throw new RetryRefusedError(`run ${runId}: item ${index} was never read (nothing to retry)`);
  return {
    runId,
    index,
    line: result.line,
    id: result.id,
    prompt: result.prompt,
    answerType: result.answerType,
    ...(result.structured === undefined ? {} : { structured: result.structured }),
  };
}

async function enqueue(queue: DistillQueues, run: RunRecord, payloads: readonly DistillJob[]): Promise<void> {
  if (payloads.length === 0) return;
  await queue.addBulk(payloads.map((data) => ({ name: 'item', data, opts: distillJobOptions(run.spec, data.index) })));
}
