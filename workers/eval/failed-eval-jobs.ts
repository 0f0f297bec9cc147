import type { Queue } from 'bullmq';
import { evalJobSchema, type EvalJob } from '../../shared/queue/eval-job.js';
import type { FailedJobKind } from '../sweep-failed-jobs.js';
import { refuseEval } from './refuse-eval.js';
import { erroredRecord, finishEvalItem, type EvalDeps } from './process-eval-job.js';

export interface FailedEvalDeps extends EvalDeps {
  evalQueue: Queue;
}

/** An eval item that failed for good becomes an `errored` item record of its eval, which then still finalises. */
export function failedEvalJobs(deps: FailedEvalDeps): FailedJobKind<EvalJob> {
  return {
    name: 'eval',
    queues: [deps.evalQueue],
    payload: evalJobSchema,
    logFields: (payload) => ({ evalId: payload.evalId, index: payload.index }),
    recordFailed: async (payload, failure) => {
      const record = await deps.evals.get(payload.evalId);
      // An eval refused at its output ends `refused`: there is nothing to record.
      const context = record?.state !== 'running' ? null : await deps.contexts.getUnlessRefused(payload.evalId, (refusal) => refuseEval(deps, payload.evalId, refusal));
      // A record stored before the failure stands; an item already counted is not counted again.
      return context !== null && (await finishEvalItem(deps, context, payload, erroredRecord(payload, failure.reason, 0)));
    },
  };
}
