import type { Job } from 'bullmq';
import type { LlmFailure } from '../../shared/llm/classify-llm-error.js';
import type { Logger } from '../../shared/logger.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { decideLlmFailure, type FailureDecision } from '../llm-failure-policy.js';

export { REQUEUES_FIELD, type FailureDecision } from '../llm-failure-policy.js';

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
 * A distill item's LLM failure, through the fleet's policy (`workers/llm-failure-policy.ts`). What is particular
 * to distillation is `fatal-run`: credentials, permissions, the model or the account's quota — every other item
 * would fail the same way, one request each — so the run fails now with the reason and workers skip its remaining
 * items without calling the LLM. A run already stopped (cancel, budget) is not failed: it publishes what it has.
 */
export function handleLlmFailure(context: FailureContext): Promise<FailureDecision> {
  const { runId, index, logger } = context;
  return decideLlmFailure({
    job: context.job,
    token: context.token,
    failure: context.failure,
    maxRateLimitRequeues: context.maxRateLimitRequeues,
    logger,
    logFields: { runId, index },
    onFatalRun: async (reason) => {
      const outcome = await context.runs.fail(runId, `the LLM endpoint refuses this run: ${reason}`);
      if (outcome.ok && !outcome.already) logger.error({ runId, index, reason }, 'run failed: the LLM endpoint refuses it');
    },
  });
}
