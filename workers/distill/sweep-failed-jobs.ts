import type { Queue } from 'bullmq';
import { ZERO_USAGE } from '../../shared/core-types.js';
import type { Logger } from '../../shared/logger.js';
import { distillJobSchema } from '../../shared/queue/job-payloads.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import type { RunContexts } from '../run-context.js';
import type { FinishItem } from './finish-item.js';

export interface SweepDeps {
  distillQueue: Queue;
  runs: RunStore;
  contexts: RunContexts;
  finish: FinishItem;
  logger: Logger;
}

/**
 * Turns distill jobs that BullMQ failed for good into `errored` item results, so their run can still complete.
 * The processor records an item's own last failed attempt itself; what reaches the failed set is what failed around
 * it — a job whose workers kept dying (BullMQ's stalled limit, decided inside Redis with no worker event), or an
 * attempt whose result could not be stored. Idempotent, so every worker may sweep: an item already done is only
 * removed from the failed set.
 */
export async function sweepFailedJobs(deps: SweepDeps, batch = 100): Promise<number> {
  const jobs = await deps.distillQueue.getFailed(0, batch - 1);
  let recorded = 0;
  for (const job of jobs) {
    const parsed = distillJobSchema.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id }, 'failed distill job has an unreadable payload; left in the failed set');
      continue;
    }
    const payload = parsed.data;
    const run = await deps.runs.get(payload.runId);
    if (run !== null && run.state !== 'published' && !(await deps.runs.isDone(payload.runId, payload.index))) {
      const context = await deps.contexts.get(payload.runId);
      const result = {
        index: payload.index,
        line: payload.line,
        id: payload.id,
        prompt: payload.prompt,
        answerType: payload.answerType,
        strategy: context.spec.strategy,
        status: 'errored' as const,
        reason: `gave up after ${Math.max(job.attemptsMade, 1)} attempt(s): ${job.failedReason}`,
        attempts: Math.max(job.attemptsMade, 1),
      };
      await context.results.put(payload.runId, result);
      await deps.finish(payload, 'errored', ZERO_USAGE);
      recorded += 1;
      deps.logger.warn({ runId: payload.runId, index: payload.index, reason: job.failedReason }, 'failed job recorded as errored item');
    }
    await job.remove();
  }
  return recorded;
}
