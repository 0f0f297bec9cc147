import { DelayedError, type Job } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { z } from 'zod';
import { handoffOf } from '../../shared/config/handoff-spec.js';
import { parseManifest } from '../../shared/dataset/manifest.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import { createOpenAiClient } from '../../shared/llm/openai-sampler.js';
import type { Logger } from '../../shared/logger.js';
import { FINAL_HANDOFF_STATES, type HandoffState } from '../../shared/runs/handoff-status.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { failsRun, type RunContext, type RunContexts } from '../run-context.js';
import { findOrCreateFinetuneJob } from './create-finetune-job.js';
import { ShardMismatchError } from './upload-split.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import { registerSecret } from '../../shared/redact-secrets.js';
import { authorizeEndpoint } from '../../shared/trust/authorize-endpoint.js';

/** Payload of a `handoff` job. */
export const handoffJobSchema = z.object({ runId: z.string().min(1) });

export interface HandoffDeps {
  redis: RedisConnection;
  prefix: string;
  runs: RunStore;
  contexts: RunContexts;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

const PROVIDER_STATES = new Set<string>(['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled']);

/**
 * One step of an `openai` hand-off: find or create the fine-tuning job, look at its status, record it, and — unless
 * it has ended — move itself back to the delayed set for `pollIntervalMs`. Polling therefore holds no worker slot
 * between looks and survives worker restarts (the delayed job is in Redis). Errors that cannot pass (4xx, a shard
 * that does not match its manifest) and errors on the last attempt end the hand-off as `error`, with the reason;
 * the dataset stays published.
 */
export function createHandoffProcessor(deps: HandoffDeps): (job: Job, token?: string) => Promise<string> {
  const env = deps.env ?? process.env;
  return async (job, token) => {
    const { runId } = handoffJobSchema.parse(job.data);
    const run = await deps.runs.get(runId);
    if (run === null) throw new Error(`run ${runId} is not registered`);
    const handoff = handoffOf(run.spec);
    if (handoff.kind !== 'openai') return `no openai hand-off for run ${runId}`;
    if (run.handoff !== null && FINAL_HANDOFF_STATES.has(run.handoff.state)) return run.handoff.state;
    const baseUrl = handoff.baseUrl ?? run.spec.model.baseUrl;
    let context: RunContext;
    let keyEnv: string | undefined;
    try {
      // The run's store (its output location) and model endpoint are checked as for its items: a narrower policy
      // since publication means the shards are not read, let alone uploaded.
      context = await deps.contexts.get(runId);
      // The fine-tuning API gets a key only where the workers' operator binds one, like the run's model endpoint.
      keyEnv = authorizeEndpoint(deps.contexts.trust.endpoints, { baseUrl, apiKeyEnv: handoff.apiKeyEnv }, 'handoff');
    } catch (error) {
      if (!failsRun(error)) throw error;
      await deps.runs.updateHandoff(runId, { state: 'error', error: error.message });
      deps.logger.error({ runId, err: error.message }, 'fine-tuning hand-off refused; the dataset stays published');
      return 'error';
    }
    const apiKey = keyEnv === undefined ? undefined : env[keyEnv];
    // The hand-off may use its own key: an API that echoes it in an error must not get it into the status.
    registerSecret(apiKey);
    const client = createOpenAiClient({ baseUrl, apiKey: apiKey ?? 'no-key', timeoutMs: handoff.timeoutMs });
    let state: HandoffState;
    try {
      let jobId = run.handoff?.jobId ?? null;
      if (jobId === null) {
        const key = manifestKey(context.spec.name, runId);
        const bytes = await context.store.get(key);
        if (bytes === null) throw new ShardMismatchError(`${context.store.locate(key)} is missing`);
        jobId = await findOrCreateFinetuneJob({
          client,
          redis: deps.redis,
          prefix: deps.prefix,
          runs: deps.runs,
          store: context.store,
          runId,
          manifest: parseManifest(bytes, context.store.locate(key)),
          handoff,
          recorded: run.handoff,
        });
      }
      if (jobId === null) {
        state = 'uploading'; // another worker is creating the job: look again later
      } else {
        const ft = await client.fineTuning.jobs.retrieve(jobId);
        state = PROVIDER_STATES.has(ft.status) ? ft.status : 'running'; // e.g. a server's own "pausing"
        await deps.runs.updateHandoff(runId, {
          state,
          jobId,
          fineTunedModel: ft.fine_tuned_model,
          // Some servers send `error: {}` for a job without one.
          error: ft.error === null || ft.error.message === '' ? null : `${ft.error.code}: ${ft.error.message}`,
        });
      }
    } catch (error) {
      const failure = classifyLlmError(error);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (failure.kind === 'fatal-item' || failure.kind === 'fatal-run' || error instanceof ShardMismatchError || lastAttempt) {
        await deps.runs.updateHandoff(runId, { state: 'error', error: failure.reason });
        deps.logger.error({ runId, err: failure.reason }, 'fine-tuning hand-off failed; the dataset stays published');
        return 'error';
      }
      throw error;
    }
    if (FINAL_HANDOFF_STATES.has(state)) {
      deps.logger.info({ runId, state }, 'fine-tuning job ended');
      return state;
    }
    await job.moveToDelayed(Date.now() + handoff.pollIntervalMs, token);
    throw new DelayedError();
  };
}
