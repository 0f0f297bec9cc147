import type { Job } from 'bullmq';
import { handoffOf } from '../../shared/config/handoff-spec.js';
import type { Logger } from '../../shared/logger.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import { publishDataset } from '../../shared/dataset/publish-dataset.js';
import { parseManifest, type Manifest } from '../../shared/dataset/manifest.js';
import { publishJobSchema } from '../../shared/queue/job-payloads.js';
import type { QueueRegistry } from '../../shared/queue/queue-registry.js';
import { paidCountersOf, type RunRecord, type RunStore } from '../../shared/runs/run-store.js';
import { startHandoff } from '../handoff/start-handoff.js';
import type { BatchStore } from '../../shared/batch/batch-store.js';
import type { BatchReport } from '../../shared/batch/batch-report.js';
import { failsRun, type RunContext, type RunContexts } from '../run-context.js';
import { holdWhileEndpointDown } from './publish-endpoint-check.js';
import type { TrustRefusal } from '../../shared/trust/trust-refusal.js';
import type { ProgramError } from '../../shared/strategies/program-error.js';
import { refuseRun } from '../refuse-run.js';
import { FINAL_HANDOFF_STATES } from '../../shared/runs/handoff-status.js';

export interface PublishDeps {
  runs: RunStore;
  contexts: RunContexts;
  logger: Logger;
  /** Queues the fine-tuning hand-off adds to (the `finetune` queue a spec names, the `handoff` queue). */
  queues: QueueRegistry;
  /** Batch-mode state, for the manifest's `batch` report. Absent: a batch-mode run's manifest has none. */
  batches?: BatchStore;
}

/**
 * Writes a run's dataset, manifest last, then starts its fine-tuning hand-off; a failed run is not published (the
 * run state table has no way out of `failed`). Runs at most once at a time per run (one job id), and is idempotent:
 * a retry after a crash rewrites the same shards, and a run whose manifest exists is left as it is — but still gets
 * its hand-off, which may not have started before the crash.
 */
function batchReportOf(batches: BatchStore, runId: string, total: number | null): () => Promise<BatchReport> {
  return () => batches.report(runId, total);
}

export function createPublishProcessor(deps: PublishDeps): (job: Job, token?: string) => Promise<string> {
  return async (job, token) => {
    const { runId } = publishJobSchema.parse(job.data);
    try {
      return await publish(deps, job, token, runId);
    } catch (error) {
      if (!failsRun(error)) throw error;
      return refused(deps, runId, error);
    }
  };
}

async function publish(deps: PublishDeps, job: Job, token: string | undefined, runId: string): Promise<string> {
  const run = await deps.runs.get(runId);
  if (run === null) throw new Error(`run ${runId} is not registered`);
  if (run.state === 'published') {
    if (handoffOf(run.spec).kind !== 'none') {
      const context = await deps.contexts.get(runId);
      const manifest = await readManifest(context, runId, run.version);
      await handOff(deps, job, run, context, manifest, run.manifestLocation ?? context.store.locate(manifestKey(context.spec.name, runId, run.version)));
    }
    return 'already-published';
  }
  if (run.state === 'failed') return notPublishing(deps, runId, run.error);
  if (run.total === null || run.done !== run.total) {
    throw new Error(`run ${runId} is not complete (${run.done} of ${run.total ?? '?'} items done)`);
  }
  // Parks the job (no attempt used) while the run's endpoint is down.
  if (run.state !== 'publishing') await holdWhileEndpointDown(await deps.contexts.get(runId), job, token, deps.logger);
  // The transition table decides whether this run may publish: a failed run (its endpoint refused it, or an
  // earlier publication failed for good) ends without a dataset even when its last items finish afterwards.
  const begun = await deps.runs.beginPublishing(runId);
  if (!begun.ok) {
    if (begun.state === 'published') return 'already-published';
    if (begun.state === 'failed') return notPublishing(deps, runId, (await deps.runs.get(runId))?.error ?? null);
    throw new Error(`run ${runId} cannot be published from state ${begun.state ?? '(no such run)'}`);
  }
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
      version: run.version,
      ...(run.previousManifest === null ? {} : { previousManifest: run.previousManifest }),
      // Read after the files are written: every item is done, so every paid request has been counted.
      paid: async () => paidCountersOf((await deps.runs.get(runId)) ?? run),
      ...(deps.batches === undefined || context.spec.model.mode !== 'batch' ? {} : { batch: batchReportOf(deps.batches, runId, total) }),
    });
  } catch (error) {
    // After the last attempt the run has an end state a person (and `submit --wait`) can see, with the reason.
    if (isLastAttempt(job)) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed = await deps.runs.failPublication(runId, `publication failed after ${job.attemptsMade + 1} attempts: ${reason}`);
      if (!failed.ok) deps.logger.error({ runId, state: failed.state, err: reason }, 'publication failed for good, but the run is no longer publishing');
    }
    throw error;
  }
  const { manifest, created } = published;
  const manifestLocation = context.store.locate(manifestKey(context.spec.name, runId, run.version));
  const marked = await deps.runs.markPublished(runId, manifestLocation);
  if (!marked.ok) {
    // Nothing else moves a publishing run while its one publish job runs; should it happen, the state stands.
    deps.logger.error({ runId, state: marked.state, manifestLocation }, 'dataset written, but the run is no longer publishing: not marking it published');
    return `not-marked-published: ${marked.state ?? 'no such run'}`;
  }
  deps.logger.info(
    { runId, created, accepted: manifest.counts.accepted, rejected: manifest.counts.rejected, errored: manifest.counts.errored },
    created ? 'dataset published' : 'dataset was already published',
  );
  await handOff(deps, job, run, context, manifest, manifestLocation);
  return manifestLocation;
}

/**
 * The trust policy refuses the run's output location or endpoint (e.g. workers restarted with a narrower policy
 * since its items ran): an unpublished run fails with the refusal, as its items would; a published one keeps its
 * dataset and its hand-off ends in error, since the hand-off would read the refused store.
 */
async function refused(deps: PublishDeps, runId: string, refusal: TrustRefusal | ProgramError): Promise<string> {
  const run = await deps.runs.get(runId);
  if (run?.state !== 'published') {
    await refuseRun(deps, runId, refusal);
    return 'run-failed';
  }
  const kind = handoffOf(run.spec).kind;
  if (kind !== 'none' && (run.handoff === null || !FINAL_HANDOFF_STATES.has(run.handoff.state))) {
    await deps.runs.updateHandoff(runId, { kind, state: 'error', error: refusal.message });
    deps.logger.error({ runId, field: refusal.field }, 'fine-tuning hand-off refused; the dataset stays published');
  }
  return 'already-published';
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

/** A failed run ends without a dataset: its publish job (queued by the last item to finish) ends here, and says so. */
function notPublishing(deps: PublishDeps, runId: string, error: string | null): string {
  deps.logger.warn({ runId, error }, 'not publishing: the run has failed');
  return 'run-failed';
}

function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

async function readManifest(context: RunContext, runId: string, version: number): Promise<Manifest> {
  const key = manifestKey(context.spec.name, runId, version);
  const bytes = await context.store.get(key);
  if (bytes === null) throw new Error(`run ${runId} is published but ${context.store.locate(key)} is missing`);
  return parseManifest(bytes, context.store.locate(key));
}
