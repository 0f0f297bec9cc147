import type { Job, Queue } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type { Logger } from '../../shared/logger.js';
import { erroredResult } from '../../shared/dataset/errored-result.js';
import type { ItemResult } from '../../shared/dataset/item-result.js';
import { CALL_CACHE_TTL_SECONDS, cacheFields, RedisItemCallCache } from '../../shared/llm/call-cache.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import { ZERO_USAGE } from '../../shared/core-types.js';
import { distillJobSchema, type DistillJob } from '../../shared/queue/job-payloads.js';
import { itemCacheKey } from '../../shared/runs/run-keys.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { failsRun, type RunContext, type RunContexts } from '../run-context.js';
import { outcomeOf, type FinishItem } from './finish-item.js';
import { handleLlmFailure } from './handle-llm-failure.js';
import { runItemProgram } from './run-item-program.js';
import { applyRunControl } from './run-control-gate.js';
import { itemSampler } from '../endpoint-access.js';
import { attemptsUsed, settleSuspect } from '../outage-parking.js';
import { strategyLabel } from '../../shared/strategies/strategy-ref.js';
import { refuseRun } from '../refuse-run.js';
import { budgetCheckOf } from '../../shared/cost/resolve-prices.js';
import { batchItem, PARKED, parkForBatch, untilParked } from './batch-item.js';

export interface DistillDeps {
  redis: RedisConnection;
  prefix: string;
  runs: RunStore;
  contexts: RunContexts;
  finish: FinishItem;
  logger: Logger;
  /** Park time of a paused run's item, ms (see run-control-gate). */
  parkMs?: number;
  /** The `batch` queue, where a `model.mode: batch` item makes sure its run has a batcher. */
  batchQueue?: Queue;
}

export type DistillOutcome = 'done' | 'already-done' | 'run-published' | 'run-failed' | 'stopped';

/**
 * One item: strategy -> extraction -> vote -> durable result -> done bit -> (last item) publish job.
 * Safe to run more than once for the same item: LLM calls come from the per-item cache, the first stored result is
 * final (later executions adopt it), and the done bit counts the item once.
 */
export function createDistillProcessor(deps: DistillDeps): (job: Job, token?: string) => Promise<DistillOutcome> {
  return async (job, token) => {
    const payload = distillJobSchema.parse(job.data);
    const { runId, index } = payload;
    // The state alone (the spec comes from the run context), and whether the item is done, asked together.
    const [run, done] = await Promise.all([deps.runs.control(runId), deps.runs.isDone(runId, index)]);
    if (run === null) throw new Error(`run ${runId} is not registered`);
    if (run.state === 'published') return 'run-published';
    // A failed run (e.g. the endpoint refused its credentials) publishes nothing: its remaining items cost no call.
    if (run.state === 'failed') return 'run-failed';
    if (done) {
      // A previous attempt stored the result but may have died before it could trigger publication; the status and
      // usage given here are not counted again because the item's done bit is already set.
      await deps.finish(payload, { status: 'accepted', usage: ZERO_USAGE });
      return 'already-done';
    }
    let context: RunContext;
    try {
      // Paused: parked without using an attempt; cancelled: recorded as a stopped reject without an LLM call.
      if ((await applyRunControl(run, payload, job, token, deps)) === 'stopped') return 'stopped';
      context = await deps.contexts.get(runId);
    } catch (error) {
      if (!failsRun(error)) throw error;
      // Every worker sharing the policy (or loading the same program) would fail it too: the run fails now with the
      // field named, before any call or write — a cancelled one too, which could not store its stopped items either.
      await refuseRun(deps, runId, error);
      return 'run-failed';
    }
    // An earlier execution may have stored its result and died before counting it: that result stands.
    const result = (await context.results.get(runId, index)) ?? (await context.results.putOnce(runId, await computeResult(deps, context, payload, job, token)));
    await deps.finish(payload, outcomeOf(result));
    deps.logger.debug({ runId, index, status: result.status, calls: result.calls, elapsedMs: result.elapsedMs }, 'item done');
    return 'done';
  };
}

async function computeResult(deps: DistillDeps, context: RunContext, payload: DistillJob, job: Job, token: string | undefined): Promise<ItemResult> {
  const { spec } = context;
  const started = Date.now();
  const strategy = strategyLabel(spec.strategy);
  const base = { index: payload.index, line: payload.line, id: payload.id, prompt: payload.prompt, answerType: payload.answerType, strategy };
  // Each paid response is cached and counted in one atomic step with the run's budget check: the request that reaches
  // the budget stops the run, and a response is counted exactly when a retry would find it in the cache.
  const cacheKey = itemCacheKey(deps.prefix, payload.runId, payload.index);
  const budget = budgetCheckOf(spec);
  // The cache's expiry is set by this execution's first write (one is enough: an item finishes long before it).
  let expiring = false;
  const batch = spec.model.mode === 'batch' ? batchItem(context, deps.redis, deps.prefix, payload, new RedisItemCallCache(deps.redis, cacheKey), cacheKey) : undefined;
  const sampler = batch?.sampler ?? itemSampler(
    context,
    new RedisItemCallCache(deps.redis, cacheKey),
    {
      recordResponse: async (entries, usage, response) => {
        const cache = { key: cacheKey, ttlSeconds: expiring ? 0 : CALL_CACHE_TTL_SECONDS, fields: cacheFields(entries) };
        await deps.runs.settleRequest(payload.runId, cache, usage, response.unrecognisedBySimulator, budget);
        expiring = true;
      },
    },
    `${payload.runId}#${payload.index}`,
  );
  // An outage-class failure of an earlier execution is judged now: the item's own fault may have been its last attempt.
  const exhausted = await settleSuspect(job, token, context.health, job.opts.attempts ?? spec.maxAttempts);
  if (exhausted !== null) {
    deps.logger.warn({ runId: payload.runId, index: payload.index, attempts: exhausted.attempts, reason: exhausted.reason }, 'item errored');
    return erroredResult(payload, { strategy, reason: exhausted.reason, attempts: exhausted.attempts, elapsedMs: Date.now() - started });
  }
  let curated: Awaited<ReturnType<typeof runItemProgram>> | typeof PARKED;
  try {
    const program = runItemProgram(context, payload, sampler);
    curated = batch === undefined ? await program : await untilParked(program, batch.round);
  } catch (error) {
    const failure = classifyLlmError(error);
    const attempts = attemptsUsed(job) + 1;
    const decision = await handleLlmFailure({
      job,
      token,
      runId: payload.runId,
      index: payload.index,
      failure,
      maxRateLimitRequeues: context.limits.maxRateLimitRequeues,
      runs: deps.runs,
      logger: deps.logger,
      ...(context.health === undefined ? {} : { health: context.health }),
      outage: context.outage,
    });
    if (decision.action === 'retry') throw error;
    deps.logger.warn({ runId: payload.runId, index: payload.index, attempts, reason: decision.reason }, 'item errored');
    return erroredResult(payload, { strategy, reason: decision.reason, attempts, elapsedMs: Date.now() - started });
  }
  if (curated === PARKED && batch !== undefined) {
    if (deps.batchQueue === undefined) throw new Error('a batch-mode item needs the batch queue (DistillDeps.batchQueue)');
    return parkForBatch(job, token, { redis: deps.redis, prefix: deps.prefix, batchQueue: deps.batchQueue }, context, payload.runId, batch.round);
  }
  if (curated === PARKED) throw new Error('an online item cannot park for a batch');
  return { ...base, ...curated, elapsedMs: Date.now() - started };
}
