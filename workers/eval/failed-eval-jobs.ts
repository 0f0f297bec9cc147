import type { Queue } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import type { Logger } from '../../shared/logger.js';
import { evalJobSchema, type EvalJob } from '../../shared/queue/eval-job.js';
import type { EvalContext, EvalContexts } from './eval-contexts.js';
import { TrustRefusal } from '../../shared/trust/trust-refusal.js';
import type { FailedJobKind } from '../sweep-failed-jobs.js';
import { refuseEval } from './refuse-eval.js';
import { erroredRecord, finishEvalItem } from './process-eval-job.js';

export interface FailedEvalDeps {
  evalQueue: Queue;
  redis: RedisConnection;
  prefix: string;
  evals: EvalRunStore;
  contexts: EvalContexts;
  logger: Logger;
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
      const context = record?.state !== 'running' ? null : await contextUnlessRefused(deps, payload.evalId);
      // A record stored before the failure stands; an item already counted is not counted again.
      return context !== null && (await finishEvalItem(deps, context, payload, erroredRecord(payload, failure.reason, 0)));
    },
  };
}

/** The eval's context; null when its output location is refused, which ends the eval `refused` (nothing to record). */
async function contextUnlessRefused(deps: FailedEvalDeps, evalId: string): Promise<EvalContext | null> {
  try {
    return await deps.contexts.get(evalId);
  } catch (error) {
    if (!(error instanceof TrustRefusal)) throw error;
    await refuseEval(deps, evalId, error);
    return null;
  }
}
