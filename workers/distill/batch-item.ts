import { DelayedError, type Job, type Queue } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { batchOptionsOf } from '../../shared/config/batch-options.js';
import { BatchStore } from '../../shared/batch/batch-store.js';
import { ensureBatcher } from '../../shared/batch/batcher-job.js';
import { BatchRound } from '../../shared/llm/batch-round.js';
import { BatchSampler } from '../../shared/llm/batch-sampler.js';
import type { CallCache } from '../../shared/llm/call-cache.js';
import type { DistillJob } from '../../shared/queue/job-payloads.js';
import type { RunContext } from '../run-context.js';

/** What a batch-mode replay ended in: the program's outcome, or `parked` (it waits for batch answers). */
export const PARKED = Symbol('parked');

/** A batch-mode item's sampler and the round that watches it. */
export interface BatchItem {
  sampler: BatchSampler;
  round: BatchRound;
}

export function batchItem(context: Pick<RunContext, 'spec' | 'nSupport'>, redis: RedisConnection, prefix: string, payload: DistillJob, cache: CallCache, cacheKey: string): BatchItem {
  const round = new BatchRound();
  const sampler = new BatchSampler({
    model: context.spec.model.name,
    seed: context.spec.sampling.seed,
    useN: context.spec.model.useN,
    nSupport: context.nSupport,
    cache,
    cacheKey,
    store: new BatchStore(redis, prefix),
    runId: payload.runId,
    item: payload.index,
    round,
  });
  return { sampler, round };
}

/** The program's outcome, or PARKED once it has stopped on requests waiting for a batch. */
export function untilParked<T>(program: Promise<T>, round: BatchRound): Promise<T | typeof PARKED> {
  return Promise.race([program, round.quiet.then((): typeof PARKED => PARKED)]);
}

/**
 * How long a parked item sleeps unless the batcher wakes it sooner, ms: a safety net for a lost wake-up (its replay
 * then costs cache reads only). 20 polls, at least a minute.
 */
export function batchParkMs(pollMs: number): number {
  return Math.max(20 * pollMs, 60_000);
}

/**
 * Parks a batch-mode item in BullMQ's delayed set, without an attempt or a slot, until the batcher wakes it (after
 * making sure the run has a batcher). The batcher may have answered its requests between the registration and the
 * park (its wake-up then found the job still active): the item looks once more after parking and wakes itself.
 */
export async function parkForBatch(job: Job, token: string | undefined, deps: { redis: RedisConnection; prefix: string; batchQueue: Queue }, context: Pick<RunContext, 'spec'>, runId: string, round: BatchRound): Promise<never> {
  await ensureBatcher(deps.batchQueue, runId);
  await job.moveToDelayed(Date.now() + batchParkMs(batchOptionsOf(context.spec.model).pollMs), token);
  const store = new BatchStore(deps.redis, deps.prefix);
  const [records] = await Promise.all([store.requests(runId, [...round.waitingFor]), store.notePark(runId)]);
  if (records.some((record) => record === null || record.state === 'failed')) await job.promote().catch(() => undefined);
  throw new DelayedError(`waiting for ${round.waitingFor.size} batch request(s)`);
}
