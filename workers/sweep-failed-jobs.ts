import type { Queue } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '../shared/logger.js';

/** Why an item's job failed for good, as the item's errored record states it. */
export interface JobFailure {
  /** `gave up after N attempt(s): <BullMQ's failed reason>`. */
  reason: string;
  /** Attempts BullMQ made (at least 1). */
  attempts: number;
}

/** What one job kind (distill, eval) does with an item whose job BullMQ failed for good. */
export interface FailedJobKind<P> {
  /** The kind's name in logs. */
  name: string;
  /** Every queue (shard) of the kind: each is swept. */
  queues: readonly Queue[];
  /** The kind's job payload. */
  payload: z.ZodType<P>;
  /** Fields naming the item in logs. */
  logFields(payload: P): Record<string, unknown>;
  /**
   * Records the item as errored with the failure, and counts it, unless its run is gone, finished or refused.
   * Idempotent: a result stored before the failure stands. @returns whether this call recorded it.
   */
  recordFailed(payload: P, failure: JobFailure): Promise<boolean>;
}

/**
 * Turns jobs that BullMQ failed for good into `errored` item results, so their run or eval can still complete and its
 * counts reconcile. A processor records an item's own last failed attempt itself; what reaches the failed set is what
 * failed around it — a job whose workers kept dying (BullMQ's stalled limit, decided inside Redis with no worker
 * event), or an attempt whose result could not be stored. Idempotent, so every worker may sweep: an item already done
 * is only removed from the failed set.
 *
 * @param batch failed jobs read per queue and sweep. Default 100.
 * @returns how many items this sweep recorded.
 */
export async function sweepFailedJobs<P>(kind: FailedJobKind<P>, logger: Logger, batch = 100): Promise<number> {
  let recorded = 0;
  for (const queue of kind.queues) {
    for (const job of await queue.getFailed(0, batch - 1)) {
      const parsed = kind.payload.safeParse(job.data);
      const attempts = Math.max(job.attemptsMade, 1);
      if (!parsed.success) {
        // It names no run or item, so no counts depend on it; keep it from blocking the sweep for ever.
        logger.error({ jobId: job.id }, `removing a failed ${kind.name} job with an unreadable payload`);
      } else if (await kind.recordFailed(parsed.data, { reason: `gave up after ${attempts} attempt(s): ${job.failedReason}`, attempts })) {
        recorded += 1;
        logger.warn({ ...kind.logFields(parsed.data), reason: job.failedReason }, `failed ${kind.name} job recorded as errored item`);
      }
      // Another worker's sweep may have removed it first; that is the same outcome.
      await job.remove().catch(() => undefined);
    }
  }
  return recorded;
}
