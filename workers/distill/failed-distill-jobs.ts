import type { Queue } from 'bullmq';
import { erroredResult } from '../../shared/dataset/errored-result.js';
import { distillJobSchema, type DistillJob } from '../../shared/queue/job-payloads.js';
import { strategyLabel } from '../../shared/strategies/strategy-ref.js';
import { refuseRun } from '../refuse-run.js';
import type { FailedJobKind } from '../sweep-failed-jobs.js';
import { outcomeOf } from './finish-item.js';
import type { DistillDeps } from './process-distill-job.js';

export type FailedDistillDeps = Pick<DistillDeps, 'runs' | 'contexts' | 'finish' | 'logger'> & {
  /** Every distill queue shard: each is swept. */
  distillQueues: readonly Queue[];
};

/** A distill item that failed for good becomes an `errored` item result of its run, which can then still publish. */
export function failedDistillJobs(deps: FailedDistillDeps): FailedJobKind<DistillJob> {
  return {
    name: 'distill',
    queues: deps.distillQueues,
    payload: distillJobSchema,
    logFields: (payload) => ({ runId: payload.runId, index: payload.index }),
    recordFailed: async (payload, failure) => {
      const run = await deps.runs.get(payload.runId);
      // A refused run fails (its items are not recorded: there is nowhere allowed to record them) and its failed jobs
      // are removed, so the sweep does not meet them again.
      const context = run === null || run.state === 'published' ? null : await deps.contexts.getUnlessRefused(payload.runId, (refusal) => refuseRun(deps, payload.runId, refusal));
      if (context === null) return false;
      // putOnce: a result stored before the failure stands (the job may have died between storing and counting it).
      const result = await context.results.putOnce(
        payload.runId,
        erroredResult(payload, { strategy: strategyLabel(context.spec.strategy), reason: failure.reason, attempts: failure.attempts }),
      );
      // Finishing an item that is already done is a no-op apart from re-checking completion, which also rescues a
      // run whose last item died before it could ask for publication.
      await deps.finish(payload, outcomeOf(result));
      return result.status === 'errored';
    },
  };
}
