import type { JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';

/** Payload of a `batch` job: the run whose batches it drives. */
export const batcherJobSchema = z.object({ runId: z.string().min(1) });

/** The one batcher job of a run (BullMQ ignores a second add while it exists). */
export function batcherJobId(runId: string): string {
  return `${runId}__batcher`;
}

/**
 * Options of a batcher job: removed when it ends, so a later batch round of the same run can add it again. Its
 * attempts cover Redis or code faults only: provider errors are handled inside a step and the job polls again.
 */
const BATCHER_JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
} as const satisfies JobsOptions;

/** Makes sure the run has a batcher (a no-op while one is waiting, delayed or running). */
export async function ensureBatcher(queue: Queue, runId: string): Promise<void> {
  await queue.add('batcher', { runId }, { ...BATCHER_JOB_OPTIONS, jobId: batcherJobId(runId) });
}
