import type { JobsOptions } from 'bullmq';

/**
 * What every s2d job shares. A completed job is removed at once (its durable result is already in the artifact
 * store), so Redis holds work in flight only; a failed one stays a week for inspection (the sweeper turns distill
 * failures into errored items and removes them).
 */
export const JOB_DEFAULTS = {
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;
