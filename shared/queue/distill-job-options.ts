import type { JobsOptions } from 'bullmq';
import type { ResolvedRunSpec } from '../config/run-spec.js';
import { JOB_DEFAULTS } from './job-options.js';
import { distillJobId } from './job-payloads.js';

/** Options of an item's distill job: its deterministic id, the run's attempts and retry backoff. */
export function distillJobOptions(spec: Pick<ResolvedRunSpec, 'runId' | 'maxAttempts' | 'retryBackoffMs'>, index: number): JobsOptions {
  return {
    ...JOB_DEFAULTS,
    jobId: distillJobId(spec.runId, index),
    attempts: spec.maxAttempts,
    backoff: { ...JOB_DEFAULTS.backoff, delay: spec.retryBackoffMs },
  };
}
