import type { Queue } from 'bullmq';
import { JOB_DEFAULTS } from './job-options.js';
import { publishJobId, type PublishJob } from './job-payloads.js';

/**
 * Attempts of a publish job before the run is marked failed. With the exponential backoff (1 s doubling, up to half
 * taken off at random) twelve attempts ride out a store outage of roughly half an hour to an hour: a run that cost
 * hours of LLM calls should not fail because S3 was away for a few minutes.
 */
export const PUBLISH_ATTEMPTS = 12;

/**
 * Hands a complete run to publication. Any number of callers may do this (the producer, every worker that sees the
 * run complete): the deterministic job id makes it one job, and publication itself is idempotent.
 */
export async function enqueuePublish(publishQueue: Queue, runId: string): Promise<void> {
  await publishQueue.add('publish', { runId } satisfies PublishJob, {
    ...JOB_DEFAULTS,
    jobId: publishJobId(runId),
    attempts: PUBLISH_ATTEMPTS,
  });
}
