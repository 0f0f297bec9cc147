import { DelayedError, type Job } from 'bullmq';
import type { EndpointHealthView } from '../shared/limits/endpoint-limiter.js';
import type { LlmFailure } from '../shared/llm/classify-llm-error.js';
import { requeueDelayMs } from '../shared/limits/requeue-delay.js';
import type { Logger } from '../shared/logger.js';
import { attemptsUsed, parkSuspect, parkWhileDown } from './outage-parking.js';

/** Job-data field counting an item's 429 re-queues (the payload schemas ignore or allow unknown fields). */
export const REQUEUES_FIELD = 'rateLimitRequeues';

export type FailureDecision =
  /** Give the error back to BullMQ: one attempt used, retried with exponential backoff. */
  | { action: 'retry' }
  /** Record the item as errored now with this reason. */
  | { action: 'record'; reason: string };

export interface FailurePolicyContext {
  job: Job;
  /** The worker's lock token of the job (second argument of the processor). */
  token: string | undefined;
  failure: LlmFailure;
  /** Re-queues after a 429 before the item falls back to ordinary attempts (endpoint limits). */
  maxRateLimitRequeues: number;
  logger: Logger;
  /** Ids for log lines (runId or evalId, index). */
  logFields: Record<string, string | number>;
  /** What a `fatal-run` failure does besides recording the item (distill: fail the run). */
  onFatalRun?: (reason: string) => Promise<void>;
  /**
   * The endpoint's shared health (the limiter's). Without it (limiter off) there is no circuit breaker and
   * outage-class failures use attempts like any retryable failure.
   */
  health?: EndpointHealthView;
  /** Called before an item parks on a down endpoint, with how long it has been down (distill: pause the run after `maxMinutes`). */
  onEndpointDown?: (downSince: number, downForMs: number) => Promise<void>;
}

/**
 * The fleet's one policy for an LLM failure of a queued item, used by distill and eval workers alike. A 429
 * re-queues the job with a delay (the server's Retry-After, at least MIN_REQUEUE_DELAY_MS) and throws DelayedError, which BullMQ treats as "moved, not failed": no attempt is
 * used (moveToDelayed skips the attempt counter), up to `maxRateLimitRequeues` times. Completions already paid for
 * in this attempt stay in the item's call cache, so the next execution pays only for what is missing. Transient
 * faults use BullMQ attempts; fatal ones are recorded at once.
 *
 * Outages (the endpoint's circuit breaker, `workers/outage-parking.ts`): an item that meets a down endpoint parks until
 * the next probe, and an outage-class failure (connection error, timeout, 502/503/504) on a live endpoint parks the item
 * for its retry backoff (at most the outage window) and is then judged — an outage if the endpoint was down meanwhile,
 * the item's own fault (one attempt) if others succeeded since or the window passed (shared/limits/outage-verdict.ts).
 * Neither uses an attempt or the 429 re-queue budget while the endpoint is down, however long that is.
 */
export async function decideLlmFailure(context: FailurePolicyContext): Promise<FailureDecision> {
  const { job, failure, logger, logFields, health } = context;
  const attempts = attemptsUsed(job) + 1;
  const maxAttempts = job.opts.attempts ?? 1;
  switch (failure.kind) {
    case 'rate-limited': {
      const requeues = requeuesOf(job);
      if (requeues < context.maxRateLimitRequeues) {
        await job.updateData({ ...(job.data as object), [REQUEUES_FIELD]: requeues + 1 });
        // At least a second (Retry-After: 0 must not spend the re-queue budget at once), with jitter.
        const delayMs = requeueDelayMs(failure.retryAfterMs);
        await job.moveToDelayed(Date.now() + delayMs, context.token);
        logger.debug({ ...logFields, requeues: requeues + 1, delayMs }, 'item re-queued after a 429');
        throw new DelayedError();
      }
      const reason = `${failure.reason} (still rate limited after ${requeues} re-queues)`;
      return attempts < maxAttempts ? { action: 'retry' } : { action: 'record', reason };
    }
    case 'endpoint-down':
      if (health === undefined) return attempts < maxAttempts ? { action: 'retry' } : { action: 'record', reason: failure.reason };
      await context.onEndpointDown?.(failure.downSince, failure.downForMs);
      return parkWhileDown(job, context.token, health, failure.retryInMs);
    case 'outage': {
      if (health === undefined) return attempts < maxAttempts ? { action: 'retry' } : { action: 'record', reason: failure.reason };
      const now = await health.health();
      if (now.state === 'down' && now.downSince !== null) {
        await context.onEndpointDown?.(now.downSince, now.now - now.downSince);
        return parkWhileDown(job, context.token, health, (now.nextProbeAt ?? now.now) - now.now);
      }
      return parkSuspect(job, context.token, health, now.now, failure.reason, logger, logFields);
    }
    case 'retry':
      return attempts < maxAttempts ? { action: 'retry' } : { action: 'record', reason: failure.reason };
    case 'fatal-item':
      return { action: 'record', reason: failure.reason };
    case 'fatal-run':
      await context.onFatalRun?.(failure.reason);
      return { action: 'record', reason: failure.reason };
  }
}

function requeuesOf(job: Job): number {
  const value: unknown = (job.data as Record<string, unknown>)[REQUEUES_FIELD];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}
