import type { JobsOptions } from 'bullmq';

/**
 * What every s2d job shares. A completed job is removed at once (its durable result is already in the artifact
 * store), so Redis holds work in flight only; a failed one stays a week for inspection (the sweeper turns distill
 * failures into errored items and removes them).
 */
export const JOB_DEFAULTS = {
  // Retryable LLM failures (5xx, timeouts, connection resets) and infrastructure errors: 1 s, 2 s, 4 s, … each
  // scaled down by up to half at random, so items failed by one outage do not all return at the same moment.
  // 429s do not come through here: they re-queue without using an attempt (workers/distill/handle-llm-failure.ts).
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobsOptions;
