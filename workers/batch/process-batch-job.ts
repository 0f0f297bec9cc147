import { DelayedError, type Job } from 'bullmq';
import type { DistillQueues } from '../../shared/queue/distill-queues.js';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import { batcherJobSchema } from '../../shared/batch/batcher-job.js';
import { batchOptionsOf, type BatchOptions } from '../../shared/config/batch-options.js';
import type { Logger } from '../../shared/logger.js';
import { LIVE_RUN_STATES } from '../../shared/runs/run-states.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { failsRun, type RunContext, type RunContexts } from '../run-context.js';
import { advanceBatch, BatchRefusedError, wakeItems, type AdvanceDeps, type AdvancePlan } from './advance-batch.js';

export interface BatcherDeps {
  redis: RedisConnection;
  prefix: string;
  runs: RunStore;
  contexts: RunContexts;
  distillQueues: DistillQueues;
  logger: Logger;
}

/**
 * One look of a run's batcher: moves every open batch as far as it can go (advanceBatch), sends pending requests as
 * new batches when the run may (not paused, cancelled or failed), and polls again after `model.batch.pollMs` from
 * BullMQ's delayed set, holding no slot in between. A run that has ended (published, failed, cancelled with nothing
 * open) gets its parked items woken and its requests in flight dropped, and its batcher ends.
 */
export function createBatchProcessor(deps: BatcherDeps): (job: Job, token?: string) => Promise<string> {
  return async (job, token) => {
    const { runId } = batcherJobSchema.parse(job.data);
    const store = new BatchStore(deps.redis, deps.prefix);
    const run = await deps.runs.control(runId);
    if (run === null) return `run ${runId} is not registered`;
    let context: RunContext;
    try {
      context = await deps.contexts.get(runId);
    } catch (error) {
      // The run's items meet the same refusal and fail the run with it; nothing can be sent for it.
      if (failsRun(error)) return `run ${runId} refused: ${error.message}`;
      throw error;
    }
    const options = batchOptionsOf(context.spec.model);
    const live = LIVE_RUN_STATES.includes(run.state);
    const advance: AdvanceDeps = { redis: deps.redis, runs: deps.runs, store, client: context.client, distillQueues: deps.distillQueues };
    const plan: AdvancePlan = { spec: context.spec, maxTries: options.maxTries, live };
    deps.logger.debug({ runId, state: run.state }, 'batcher look');
    try {
      for (const record of await store.openBatches(runId)) await advanceBatch(advance, record, plan);
      if (run.state === 'producing' || run.state === 'running') await submitPending(advance, store, plan, options, deps.logger);
    } catch (error) {
      if (!(error instanceof BatchRefusedError)) {
        // A provider or network fault: logged, and the next look tries again (the batch records say where it was).
        deps.logger.warn({ runId, err: error instanceof Error ? error.message : String(error) }, 'batch step failed; will retry at the next look');
        return pollAgain(job, token, options);
      }
      const outcome = await deps.runs.fail(runId, error.message);
      if (outcome.ok && !outcome.already) deps.logger.error({ runId }, error.message);
      return pollAgain(job, token, options);
    }
    const open = (await store.openBatches(runId)).length;
    if (live || open > 0) return pollAgain(job, token, options);
    // The run ended: items still parked on requests that will not be answered are woken (they see the run's state).
    await wakeItems(deps.distillQueues, runId, await store.itemsInFlight(runId));
    await store.dropRequests(runId);
    return `run ${runId} is ${run.state}: batcher done`;
  };
}

async function submitPending(deps: AdvanceDeps, store: BatchStore, plan: AdvancePlan, options: BatchOptions, logger: Logger): Promise<void> {
  const { runId } = plan.spec;
  for (;;) {
    const pending = await store.pending(runId);
    if (pending.count === 0) return;
    const now = Date.now();
    const full = pending.count >= options.maxRequestsPerBatch;
    // A partial batch goes once registrations have paused for a poll, or its oldest request has waited five polls.
    const quiet = pending.lastRegisteredAt === null || now - pending.lastRegisteredAt >= options.pollMs;
    const stale = pending.since !== null && now - pending.since >= 5 * options.pollMs;
    if (!full && !quiet && !stale) return;
    const record = await store.claim(runId, options.maxRequestsPerBatch, options.maxBatchBytes, now);
    if (record === null) return;
    logger.info({ runId, seq: record.seq, requests: record.requests, bytes: record.bytes }, 'batch claimed');
    await advanceBatch(deps, record, plan);
    if (!full) return;
  }
}

function pollAgain(job: Job, token: string | undefined, options: BatchOptions): Promise<never> {
  return job.moveToDelayed(Date.now() + options.pollMs, token).then(() => {
    throw new DelayedError('polling');
  });
}
