import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { addUsage, ZERO_USAGE, type TokenUsage } from '../../shared/core-types.js';
import { majorityVote } from '../../shared/curation/majority-vote.js';
import { evalItemRecordSchema, type EvalItemRecord } from '../../shared/eval/eval-item-record.js';
import { evalItemCacheKey, evalItemKey } from '../../shared/eval/eval-keys.js';
import type { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { itemConsistency } from '../../shared/eval/item-consistency.js';
import { extractAnswer } from '../../shared/extraction/extract-answer.js';
import { RedisItemCallCache } from '../../shared/llm/call-cache.js';
import { classifyLlmError } from '../../shared/llm/classify-llm-error.js';
import { OpenAiSampler } from '../../shared/llm/openai-sampler.js';
import type { Logger } from '../../shared/logger.js';
import { evalJobSchema, type EvalJob } from '../../shared/queue/eval-job.js';
import type { EvalContext, EvalContexts } from './eval-contexts.js';
import { finaliseEval } from './finalise-eval.js';

export interface EvalDeps {
  redis: Redis;
  prefix: string;
  evals: EvalRunStore;
  contexts: EvalContexts;
  logger: Logger;
}

/**
 * One eval item: strategy -> extraction -> plurality -> durable record (first write final) -> done bit -> (last
 * item) finalisation. The job carries no label, so nothing here can put one in a prompt.
 */
export function createEvalProcessor(deps: EvalDeps): (job: Job) => Promise<'done' | 'already-done'> {
  return async (job) => {
    const payload = evalJobSchema.parse(job.data);
    const context = await deps.contexts.get(payload.evalId);
    const key = evalItemKey(payload.evalId, payload.index);
    const stored = await context.store.get(key);
    const record = stored !== null ? parseRecord(stored) : await computeRecord(deps, context, payload, job);
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

async function computeRecord(deps: EvalDeps, context: EvalContext, payload: EvalJob, job: Job): Promise<EvalItemRecord> {
  const { spec } = context;
  const started = performance.now();
  const base = { index: payload.index, id: payload.id, answerType: payload.answerType };
  const sampler = new OpenAiSampler({
    client: context.client,
    model: spec.model.name,
    seed: spec.sampling.seed,
    useN: spec.model.useN,
    nSupport: context.nSupport,
    cache: new RedisItemCallCache(deps.redis, evalItemCacheKey(deps.prefix, payload.evalId, payload.index)),
  });
  try {
    const chains = await context.strategy.run({
      prompt: payload.prompt,
      answerType: payload.answerType,
      templates: context.templates,
      samples: spec.sampling.samples,
      params: { temperature: spec.sampling.temperature, maxTokens: spec.sampling.maxTokens },
      sampler,
    });
    const ordered = [...chains].sort((a, b) => a.sampleIndex - b.sampleIndex);
    const answers = ordered.map((chain) => {
      const extraction = extractAnswer(chain.finalText, payload.answerType);
      return extraction.ok ? extraction.answer : null;
    });
    // minAgreement 0: evaluation reports the plurality answer; a tie is broken by the vote order (deterministic).
    const vote = majorityVote(answers, 0);
    const usage = ordered.reduce<TokenUsage>((sum, chain) => addUsage(sum, chain.usage), { ...ZERO_USAGE });
    const consistent = itemConsistency(ordered, payload.answerType);
    return {
      ...base,
      status: 'answered',
      predicted: vote.votes[0]?.answer ?? null,
      votes: vote.votes,
      samples: vote.samples,
      unextractable: vote.unextractable,
      calls: ordered.reduce((sum, chain) => sum + chain.calls, 0),
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      latencyMs: Math.round(performance.now() - started),
      ...(consistent === undefined ? {} : { consistent }),
    };
  } catch (error) {
    const failure = classifyLlmError(error);
    const attempts = job.attemptsMade + 1;
    if (failure.kind === 'retry' && attempts < (job.opts.attempts ?? 1)) throw error;
    deps.logger.warn({ evalId: payload.evalId, index: payload.index, attempts, reason: failure.reason }, 'eval item errored');
    return erroredRecord(payload, failure.reason, Math.round(performance.now() - started));
  }
}
