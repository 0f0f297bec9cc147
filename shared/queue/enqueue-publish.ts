import type { Queue } from 'bullmq';
import { publishJobId, type PublishJob } from './job-payloads.js';

/**
 * Hands a complete run to publication. Any number of callers may do this (the producer, every worker that sees the
 * run complete): the deterministic job id makes it one job, and publication itself is idempotent.
 */
export async function enqueuePublish(publishQueue: Queue, runId: string): Promise<void> {
  await publishQueue.add('publish', { runId } satisfies PublishJob, {
    jobId: publishJobId(runId),
    attempts: 5,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  });
}
