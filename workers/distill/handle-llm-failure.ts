import type { Job } from 'bullmq';
import type { EndpointHealthView } from '../../shared/limits/endpoint-limiter.js';
import type { OutageOptions } from '../../shared/limits/outage-options.js';
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
  /** The endpoint's shared health; absent with the limiter off (no circuit breaker). */
  health?: EndpointHealthView;
  /** The run's `model.outage` (its `maxMinutes` decides when the run is paused). */
  outage: OutageOptions;
}

/**
 * A distill item's LLM failure, through the fleet's policy (`workers/llm-failure-policy.ts`). What is particular
 * to distillation is `fatal-run`: credentials, permissions, the model or the account's quota — every other item
 * would fail the same way, one request each — so the run fails now with the reason and workers skip its remaining
 * items without calling the LLM. A run already stopped (cancel, budget) is not failed: it publishes what it has.
 * Also particular: once its endpoint has been down `model.outage.maxMinutes`, the run is paused (once per outage),
 * with the reason for `s2d status`; it resumes by itself when the endpoint recovers (workers/endpoint-recovery.ts).
 */
export async function handleLlmFailure(context: FailureContext): Promise<FailureDecision> {
  const { runId, index, logger } = context;
  // Off the hot path (a 429 is the exception): counted so progress and status show how often the endpoint pushed back.
  if (context.failure.kind === 'rate-limited') {
    await context.runs.countRateLimited(runId).catch((error: unknown) => {
      logger.debug({ runId, err: error instanceof Error ? error.message : String(error) }, 'could not count a 429');
    });
  }
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
    ...(context.health === undefined ? {} : { health: context.health }),
    onEndpointDown: async (downSince, downForMs) => {
      const health = context.health;
      if (health === undefined || downForMs < context.outage.maxMinutes * 60_000) return;
      const detail = `endpoint ${health.baseUrl} down since ${new Date(downSince).toISOString()}`;
      if (await context.runs.pauseForOutage(runId, downSince, detail)) {
        await health.notePausedRun(runId);
        logger.warn({ runId, endpoint: health.baseUrl, downSince: new Date(downSince).toISOString(), maxMinutes: context.outage.maxMinutes }, `run paused: ${detail}`);
      }
    },
  });
}
