import { DelayedError, type Job } from 'bullmq';
import type { LlmFailure } from '../../shared/llm/classify-llm-error.js';
import type { Logger } from '../../shared/logger.js';
import type { RunStore } from '../../shared/runs/run-store.js';

/** Job-data field counting an item's 429 re-queues (the payload schema ignores unknown fields). */
export const REQUEUES_FIELD = 'rateLimitRequeues';

export type FailureDecision =
  /** Give the error back to BullMQ: one attempt used, retried with exponential backoff. */
  | { action: 'retry' }
  /** Record the item as errored now with this reason. */
  | { action: 'record'; reason: string };

export interface FailureContext {
  job: Job;
  /** The worker's lock token of the job (second argument of the processor). */
  token: string | undefined;
  runId: string;
  index: number;
  failure: LlmFailure;
  maxRateLimitRequeues: number;
  runs: RunStore;
  logger: Logger;
}

/**
 * Decides what an LLM failure does to an item. A 429 re-queues it with a delay and throws DelayedError, which BullMQ
 * treats as "moved, not failed": no attempt is used (moveToDelayed skips the attempt counter). Completions already
 * paid for in this attempt stay in the item's call cache, so the next execution pays only for what is missing.
 */
export async function handleLlmFailure(context: FailureContext): Promise<FailureDecision> {
  const { job, failure, runId, index, logger } = context;
  const attempts = job.attemptsMade + 1;
  const maxAttempts = job.opts.attempts ?? 1;
  switch (failure.kind) {
    case 'rate-limited': {
      const requeues = requeuesOf(job);
      if (requeues < context.maxRateLimitRequeues) {
        await job.updateData({ ...(job.data as object), [REQUEUES_FIELD]: requeues + 1 });
        // Up to a quarter more than the server asked, so delayed items do not all return in the same millisecond.
        const delayMs = Math.round(failure.retryAfterMs * (1 + Math.random() * 0.25));
        await job.moveToDelayed(Date.now() + delayMs, context.token);
        logger.debug({ runId, index, requeues: requeues + 1, delayMs }, 'item re-queued after a 429');
        throw new DelayedError();
      }
      const reason = `${failure.reason} (still rate limited after ${requeues} re-queues)`;
      return attempts < maxAttempts ? { action: 'retry' } : { action: 'record', reason };
    }
    case 'retry':
      return attempts < maxAttempts ? { action: 'retry' } : { action: 'record', reason: failure.reason };
    case 'fatal-item':
      return { action: 'record', reason: failure.reason };
    case 'fatal-run':
      // Credentials, permissions, the model or the account's quota: every other item would fail the same way, one
      // request each. The run fails now with the reason; workers skip its remaining items without calling the LLM.
      await context.runs.setState(runId, 'failed', { error: `the LLM endpoint refuses this run: ${failure.reason}` });
      logger.error({ runId, index, reason: failure.reason }, 'run failed: the LLM endpoint refuses it');
      return { action: 'record', reason: failure.reason };
  }
}

function requeuesOf(job: Job): number {
  const value: unknown = (job.data as Record<string, unknown>)[REQUEUES_FIELD];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}
