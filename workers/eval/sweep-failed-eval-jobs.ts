import type { Queue } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import type { Logger } from '../../shared/logger.js';
import { evalJobSchema } from '../../shared/queue/eval-job.js';
import type { EvalContext, EvalContexts } from './eval-contexts.js';
import { TrustRefusal } from '../../shared/trust/trust-refusal.js';
import { refuseEval } from './refuse-eval.js';
import { erroredRecord, finishEvalItem } from './process-eval-job.js';

export interface EvalSweepDeps {
  evalQueue: Queue;
  redis: RedisConnection;
  prefix: string;
  evals: EvalRunStore;
  contexts: EvalContexts;
  logger: Logger;
}

/**
 * Turns eval jobs BullMQ failed for good (workers kept dying, or the record could not be stored) into `errored`
 * item records, so the eval still completes and its counts reconcile. Idempotent: a record stored before the failure
 * stands, and an item already counted is only removed from the failed set.
 */
export async function sweepFailedEvalJobs(deps: EvalSweepDeps, batch = 100): Promise<number> {
  const jobs = await deps.evalQueue.getFailed(0, batch - 1);
  let recorded = 0;
  for (const job of jobs) {
    const parsed = evalJobSchema.safeParse(job.data);
    if (parsed.success) {
      const payload = parsed.data;
      const record = await deps.evals.get(payload.evalId);
      const context = record?.state !== 'running' ? null : await contextUnlessRefused(deps, payload.evalId);
      if (context !== null) {
        const reason = `gave up after ${Math.max(job.attemptsMade, 1)} attempt(s): ${job.failedReason}`;
        if (await finishEvalItem(deps, context, payload, erroredRecord(payload, reason, 0))) recorded += 1;
        deps.logger.warn({ evalId: payload.evalId, index: payload.index, reason: job.failedReason }, 'failed eval job recorded');
      }
    } else {
      deps.logger.error({ jobId: job.id }, 'removing a failed eval job with an unreadable payload');
    }
    await job.remove().catch(() => undefined);
  }
  return recorded;
}

/** The eval's context; null when its output location is refused, which ends the eval `refused` (nothing to record). */
async function contextUnlessRefused(deps: EvalSweepDeps, evalId: string): Promise<EvalContext | null> {
  try {
    return await deps.contexts.get(evalId);
  } catch (error) {
    if (!(error instanceof TrustRefusal)) throw error;
    await refuseEval(deps, evalId, error);
    return null;
  }
}
