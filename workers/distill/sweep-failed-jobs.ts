import type { Queue } from 'bullmq';
import { erroredResult } from '../../shared/dataset/errored-result.js';
import type { Logger } from '../../shared/logger.js';
import { distillJobSchema } from '../../shared/queue/job-payloads.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { failsRun, type RunContext, type RunContexts } from '../run-context.js';
import { strategyLabel } from '../../shared/strategies/strategy-ref.js';
import { refuseRun } from '../refuse-run.js';
import { outcomeOf, type FinishItem } from './finish-item.js';

export interface SweepDeps {
  /** Every distill queue shard: each is swept. */
  distillQueues: readonly Queue[];
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
  let recorded = 0;
  for (const queue of deps.distillQueues) recorded += await sweepQueue(queue, deps, batch);
  return recorded;
}

/** Sweeps one shard's failed set (one batch). */
async function sweepQueue(queue: Queue, deps: SweepDeps, batch: number): Promise<number> {
  const jobs = await queue.getFailed(0, batch - 1);
  let recorded = 0;
  for (const job of jobs) {
    const parsed = distillJobSchema.safeParse(job.data);
    if (!parsed.success) {
      // It names no run or item, so no run's counts depend on it; keep it from blocking the sweep for ever.
      deps.logger.error({ jobId: job.id }, 'removing a failed distill job with an unreadable payload');
      await job.remove().catch(() => undefined);
      continue;
    }
    const payload = parsed.data;
    const run = await deps.runs.get(payload.runId);
    const context = run === null || run.state === 'published' ? null : await contextUnlessRefused(deps, payload.runId);
    if (context !== null) {
      // putOnce: a result stored before the failure stands (the job may have died between storing and counting it).
      const attempts = Math.max(job.attemptsMade, 1);
      const result = await context.results.putOnce(
        payload.runId,
        erroredResult(payload, { strategy: strategyLabel(context.spec.strategy), reason: `gave up after ${attempts} attempt(s): ${job.failedReason}`, attempts }),
      );
      // Finishing an item that is already done is a no-op apart from re-checking completion, which also rescues a
      // run whose last item died before it could ask for publication.
      await deps.finish(payload, outcomeOf(result));
      if (result.status === 'errored') {
        recorded += 1;
        deps.logger.warn({ runId: payload.runId, index: payload.index, reason: job.failedReason }, 'failed job recorded as errored item');
      }
    }
    // Another worker's sweep may have removed it first; that is the same outcome.
    await job.remove().catch(() => undefined);
  }
  return recorded;
}

/**
 * The run's context; null when the trust policy refuses the run or its program cannot run, which then fails (its items are not recorded: there
 * is nowhere allowed to record them) and its failed jobs are removed, so the sweep does not meet them again.
 */
async function contextUnlessRefused(deps: SweepDeps, runId: string): Promise<RunContext | null> {
  try {
    return await deps.contexts.get(runId);
  } catch (error) {
    if (!failsRun(error)) throw error;
    await refuseRun(deps, runId, error);
    return null;
  }
}
