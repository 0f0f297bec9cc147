import type { Job } from 'bullmq';
import { handoffOf } from '../../shared/config/handoff-spec.js';
import type { Logger } from '../../shared/logger.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import { publishDataset } from '../../shared/dataset/publish-dataset.js';
import { parseManifest, type Manifest } from '../../shared/dataset/manifest.js';
import { publishJobSchema } from '../../shared/queue/job-payloads.js';
import type { QueueRegistry } from '../../shared/queue/queue-registry.js';
import type { RunRecord, RunStore } from '../../shared/runs/run-store.js';
import { startHandoff } from '../handoff/start-handoff.js';
import type { RunContext, RunContexts } from '../run-context.js';

export interface PublishDeps {
  runs: RunStore;
  contexts: RunContexts;
  logger: Logger;
  /** Queues the fine-tuning hand-off adds to (the `finetune` queue a spec names, the `handoff` queue). */
  queues: QueueRegistry;
}

/**
 * Writes a run's dataset, manifest last, then starts its fine-tuning hand-off. Runs at most once at a time per run
 * (one job id), and is idempotent: a retry after a crash rewrites the same shards, and a run whose manifest exists
 * is left as it is — but still gets its hand-off, which may not have started before the crash.
 */
export function createPublishProcessor(deps: PublishDeps): (job: Job) => Promise<string> {
  return async (job) => {
    const { runId } = publishJobSchema.parse(job.data);
    const run = await deps.runs.get(runId);
    if (run === null) throw new Error(`run ${runId} is not registered`);
    if (run.state === 'published') {
      if (handoffOf(run.spec).kind !== 'none') {
        const context = await deps.contexts.get(runId);
        const manifest = await readManifest(context, runId);
        await handOff(deps, job, run, context, manifest, run.manifestLocation ?? context.store.locate(manifestKey(context.spec.name, runId)));
      }
      return 'already-published';
    }
    if (run.total === null || run.done !== run.total) {
      throw new Error(`run ${runId} is not complete (${run.done} of ${run.total ?? '?'} items done)`);
    }
    await deps.runs.setState(runId, 'publishing');
    const context = await deps.contexts.get(runId);
    const total = run.total;
    let published;
    try {
      published = await publishDataset({
        store: context.store,
        spec: context.spec,
        runId,
        results: () => context.results.readAll(runId, total),
        templateVersions: context.templateVersions,
      });
    } catch (error) {
      // After the last attempt the run has an end state a person (and `submit --wait`) can see, with the reason.
      if (isLastAttempt(job)) {
        const reason = error instanceof Error ? error.message : String(error);
        await deps.runs.setState(runId, 'failed', { error: `publication failed after ${job.attemptsMade + 1} attempts: ${reason}` });
      }
      throw error;
    }
    const { manifest, created } = published;
    const manifestLocation = context.store.locate(manifestKey(context.spec.name, runId));
    await deps.runs.markPublished(runId, manifestLocation);
    deps.logger.info(
      { runId, created, accepted: manifest.counts.accepted, rejected: manifest.counts.rejected, errored: manifest.counts.errored },
      created ? 'dataset published' : 'dataset was already published',
    );
    await handOff(deps, job, run, context, manifest, manifestLocation);
    return manifestLocation;
  };
}

/**
 * Starts the hand-off after the manifest is committed. A failure retries the publish job (which finds the run
 * published and only retries the hand-off); after the last attempt it is recorded in the run's hand-off status and
 * the job ends well: the dataset stays published either way.
 */
async function handOff(deps: PublishDeps, job: Job, run: RunRecord, context: RunContext, manifest: Manifest, manifestLocation: string): Promise<void> {
  try {
    const outcome = await startHandoff({
      run: (await deps.runs.get(run.runId)) ?? run,
      spec: context.spec,
      manifest,
      manifestLocation,
      store: context.store,
      runs: deps.runs,
      queues: deps.queues,
    });
    if (outcome !== 'none') deps.logger.info({ runId: run.runId, handoff: handoffOf(context.spec).kind, outcome }, 'fine-tuning hand-off');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!isLastAttempt(job)) throw error;
    const kind = handoffOf(context.spec).kind === 'openai' ? 'openai' : 'queue';
    await deps.runs.updateHandoff(run.runId, { kind, state: 'error', error: `hand-off failed after ${job.attemptsMade + 1} attempts: ${reason}` });
    deps.logger.error({ runId: run.runId, err: reason }, 'fine-tuning hand-off failed; the dataset stays published');
  }
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

async function readManifest(context: RunContext, runId: string): Promise<Manifest> {
  const key = manifestKey(context.spec.name, runId);
  const bytes = await context.store.get(key);
  if (bytes === null) throw new Error(`run ${runId} is published but ${context.store.locate(key)} is missing`);
  return parseManifest(bytes, context.store.locate(key));
}
