import type { Job } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { addUsage, ZERO_USAGE, type StructuredInput, type TokenUsage } from '../../shared/core-types.js';
import { majorityVote } from '../../shared/curation/majority-vote.js';
import { evalItemRecordSchema, type EvalItemRecord } from '../../shared/eval/eval-item-record.js';
import { evalItemCacheKey, evalItemKey } from '../../shared/eval/eval-keys.js';
import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { itemConsistency, withVariantTexts } from '../../shared/eval/item-consistency.js';
import { extractAnswer } from '../../shared/extraction/extract-answer.js';
import { RedisItemCallCache } from '../../shared/llm/call-cache.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import type { Sampler } from '../../shared/llm/sampler.js';
import { runOnVariants } from '../../shared/perturbation/run-on-variants.js';
import type { Logger } from '../../shared/logger.js';
import { evalJobSchema, type EvalJob } from '../../shared/queue/eval-job.js';
import type { SampleChain } from '../../shared/strategies/strategy.js';
import { decideLlmFailure } from '../llm-failure-policy.js';
import type { EvalContext, EvalContexts } from './eval-contexts.js';
import { finaliseEval } from './finalise-eval.js';
import { strategyContext } from '../../shared/strategies/strategy.js';
import { itemSampler } from '../endpoint-access.js';
import { attemptsUsed, settleSuspect } from '../outage-parking.js';
import { refuseEval } from './refuse-eval.js';

export interface EvalDeps {
  redis: RedisConnection;
  prefix: string;
  evals: EvalRunStore;
  contexts: EvalContexts;
  logger: Logger;
}

/**
 * One eval item: strategy -> extraction -> plurality -> durable record (first write final) -> done bit -> (last
 * item) finalisation. The job carries no label, so nothing here can put one in a prompt.
 */
export function createEvalProcessor(deps: EvalDeps): (job: Job, token?: string) => Promise<'done' | 'already-done' | 'refused'> {
  return async (job, token) => {
    const payload = evalJobSchema.parse(job.data);
    // Its output location refused: nothing can be recorded, so the eval ends `refused` and the job just ends.
    const context = await deps.contexts.getUnlessRefused(payload.evalId, (refusal) => refuseEval(deps, payload.evalId, refusal));
    if (context === null) return 'refused';
    const key = evalItemKey(payload.evalId, payload.index);
    const stored = await context.store.get(key);
    // Once the endpoint has refused the eval (bad key, unknown model, no quota), every other item would pay one
    // refused request: they are recorded as errored with the reason instead, and the eval still completes.
    const refused = stored === null ? await deps.evals.refusedBy(payload.evalId) : null;
    const record =
      stored !== null
        ? parseRecord(stored)
        : refused !== null
          ? erroredRecord(payload, `not run: the endpoint refused this eval (${refused})`, 0)
          : await computeRecord(deps, context, payload, job, token);
    return (await finishEvalItem(deps, context, payload, record)) ? 'done' : 'already-done';
  };
}

function parseRecord(bytes: Uint8Array): EvalItemRecord {
  return evalItemRecordSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

/**
 * Stores the item's record unless one is stored (the first is final), counts the item once, drops its call cache,
 * and finalises the eval when this was its last item. Safe to call again; returns whether this call counted it.
 */
export async function finishEvalItem(deps: Omit<EvalDeps, 'contexts' | 'logger'>, context: EvalContext, payload: Pick<EvalJob, 'evalId' | 'index'>, record: EvalItemRecord): Promise<boolean> {
  const key = evalItemKey(payload.evalId, payload.index);
  let kept = record;
  if (!(await context.store.putIfAbsent(key, JSON.stringify(record)))) {
    const first = await context.store.get(key);
    if (first !== null) kept = parseRecord(first);
  }
  const { first, complete } = await deps.evals.markDone(payload.evalId, payload.index, kept.status);
  await deps.redis.del(evalItemCacheKey(deps.prefix, payload.evalId, payload.index));
  if (complete) {
    const total = (await deps.evals.get(payload.evalId))?.total ?? 0;
    await finaliseEval(context.spec, { store: context.store, evals: deps.evals, client: context.client, total });
  }
  return first;
}

/** The record of an item that produced no answer, with why. */
export function erroredRecord(payload: Pick<EvalJob, 'index' | 'id' | 'answerType'>, reason: string, latencyMs: number): EvalItemRecord {
  return {
    index: payload.index,
    id: payload.id,
    answerType: payload.answerType,
    status: 'errored',
    predicted: null,
    votes: [],
    samples: 0,
    unextractable: 0,
    calls: 0,
    promptTokens: 0,
    completionTokens: 0,
    latencyMs,
    error: reason,
  };
}

async function computeRecord(deps: EvalDeps, context: EvalContext, payload: EvalJob, job: Job, token: string | undefined): Promise<EvalItemRecord> {
  const started = performance.now();
  const base = { index: payload.index, id: payload.id, answerType: payload.answerType };
  const { client } = context;
  // An eval refused by the trust policy is marked refused before its context exists, so its items take the refusedBy
  // path; this only guards the type.
  if (client === null) return erroredRecord(payload, "not run: the workers' trust policy refuses this eval's endpoint", 0);
  const sampler = itemSampler(
    { ...context, client },
    new RedisItemCallCache(deps.redis, evalItemCacheKey(deps.prefix, payload.evalId, payload.index)),
    // Every paid request is counted, so the eval's cost includes what retries paid.
    { onRequest: (usage) => deps.evals.countRequest(payload.evalId, usage) },
    `eval:${payload.evalId}#${payload.index}`,
  );
  const exhausted = await settleSuspect(job, token, context.health, job.opts.attempts ?? 1);
  if (exhausted !== null) {
    deps.logger.warn({ evalId: payload.evalId, index: payload.index, attempts: exhausted.attempts, reason: exhausted.reason }, 'eval item errored');
    return erroredRecord(payload, exhausted.reason, Math.round(performance.now() - started));
  }
  try {
    const { chains, extra } = await runEvalProgram(context, payload, sampler);
    const ordered = [...chains].sort((a, b) => a.sampleIndex - b.sampleIndex);
    const answers = ordered.map((chain) => {
      const extraction = extractAnswer(chain.finalText, payload.answerType);
      return extraction.ok ? extraction.answer : null;
    });
    // minAgreement 0: evaluation reports the plurality answer; a tie is broken by the vote order (deterministic).
    const vote = majorityVote(answers, 0);
    // Cost counts every call of every input the item ran on (the original and each perturbed variant).
    const all = [...ordered, ...extra];
    const usage = all.reduce<TokenUsage>((sum, chain) => addUsage(sum, chain.usage), { ...ZERO_USAGE });
    const consistent = itemConsistency(ordered, payload.answerType);
    return {
      ...base,
      status: 'answered',
      predicted: vote.votes[0]?.answer ?? null,
      votes: vote.votes,
      samples: vote.samples,
      unextractable: vote.unextractable,
      calls: all.reduce((sum, chain) => sum + chain.calls, 0),
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      ...(usage.cachedPromptTokens === undefined ? {} : { cachedPromptTokens: usage.cachedPromptTokens }),
      latencyMs: Math.round(performance.now() - started),
      ...(consistent === undefined ? {} : { consistent }),
    };
  } catch (error) {
    const attempts = attemptsUsed(job) + 1;
    // The fleet's one failure policy: a 429 re-queues without using an attempt, an outage parks the item (both throw
    // DelayedError). An eval is never paused for an outage: its items wait for the endpoint however long it is down.
    const decision = await decideLlmFailure({
      job,
      token,
      failure: classifyLlmError(error),
      maxRateLimitRequeues: context.limits.maxRateLimitRequeues,
      logger: deps.logger,
      logFields: { evalId: payload.evalId, index: payload.index },
      onFatalRun: (reason) => deps.evals.markRefused(payload.evalId, reason),
      ...(context.health === undefined ? {} : { health: context.health }),
    });
    if (decision.action === 'retry') throw error;
    deps.logger.warn({ evalId: payload.evalId, index: payload.index, attempts, reason: decision.reason }, 'eval item errored');
    return erroredRecord(payload, decision.reason, Math.round(performance.now() - started));
  }
}

/**
 * The strategy on the item, and with `perturbations` on each perturbed variant too (built and run exactly as the
 * distill worker does): the original's chains carry the variants' answers, mapped back, in `variantTexts`; the
 * variants' own chains come back as `extra`, for cost only.
 */
async function runEvalProgram(context: EvalContext, payload: EvalJob, sampler: Sampler): Promise<{ chains: SampleChain[]; extra: SampleChain[] }> {
  const { spec, templates } = context;
  const run = (prompt: string, structured: StructuredInput | undefined, via: Sampler): Promise<SampleChain[]> =>
    context.strategy.run(strategyContext(spec, templates, { prompt, answerType: payload.answerType, structured }, via));
  const { original, variants } = await runOnVariants({ item: payload, perturbations: spec.perturbations, seed: spec.sampling.seed, sampler, templates, run });
  if (spec.perturbations === undefined) return { chains: original, extra: [] };
  const chains = withVariantTexts(
    original,
    variants.map(({ variant, outcome }) => ({ mapBack: variant.mapBack, chains: outcome })),
    payload.answerType,
    templates,
  );
  return { chains, extra: variants.flatMap(({ outcome }) => outcome) };
}
