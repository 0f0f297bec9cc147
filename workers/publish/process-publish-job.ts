import type { Job } from 'bullmq';
import type { Logger } from '../../shared/logger.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import { publishDataset } from '../../shared/dataset/publish-dataset.js';
import { publishJobSchema } from '../../shared/queue/job-payloads.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import type { RunContexts } from '../run-context.js';

export interface PublishDeps {
  runs: RunStore;
  contexts: RunContexts;
  logger: Logger;
}

/**
 * Writes a run's dataset, manifest last. Runs at most once at a time per run (one job id), and is idempotent:
 * a retry after a crash rewrites the same shards, and a run whose manifest exists is left as it is.
 */
export function createPublishProcessor(deps: PublishDeps): (job: Job) => Promise<string> {
  return async (job) => {
    const { runId } = publishJobSchema.parse(job.data);
    const run = await deps.runs.get(runId);
    if (run === null) throw new Error(`run ${runId} is not registered`);
    if (run.state === 'published') return 'already-published';
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
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
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
    return manifestLocation;
  };
}
