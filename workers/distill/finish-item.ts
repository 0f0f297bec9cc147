import type { Queue } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import type { TokenUsage } from '../../shared/core-types.js';
import type { ItemStatus } from '../../shared/dataset/item-result.js';
import { itemsFinished } from '../../shared/metrics/worker-metrics.js';
import { enqueuePublish } from '../../shared/queue/enqueue-publish.js';
import type { DistillJob } from '../../shared/queue/job-payloads.js';
import { itemCacheKey } from '../../shared/runs/run-keys.js';
import type { RunStore } from '../../shared/runs/run-store.js';

/**
 * Called once an item's result is durable. Safe to call again for the same item. `stopped`: the result records an
 * item never started because its run stopped (counted in `cancelled` too).
 */
export type FinishItem = (item: Pick<DistillJob, 'runId' | 'index'>, outcome: FinishedOutcome) => Promise<void>;

/** What is counted of a finished item: its status and usage; whether its run stopped it; a rejected item's code. */
export interface FinishedOutcome {
  status: ItemStatus;
  usage: TokenUsage;
  stopped?: boolean;
  rejectCode?: string | undefined;
}

/** The counted outcome of a stored item result. */
export function outcomeOf(result: { status: ItemStatus; usage: TokenUsage; code?: string }, stopped = false): FinishedOutcome {
  return { status: result.status, usage: result.usage, stopped, rejectCode: result.status === 'rejected' ? result.code : undefined };
}

export interface FinishDeps {
  redis: RedisConnection;
  prefix: string;
  runs: RunStore;
  publishQueue: Queue;
}

/**
 * Counts the item once, drops its call cache (the durable result now answers any re-run), and hands the run to
 * publication when this was its last item. Every caller that sees the run complete asks for publication, so a
 * caller that died after counting cannot leave the run unpublished.
 *
 * An errored item keeps its call cache: the completions it paid for before failing are what `s2d retry` reuses, so a
 * retry pays only for the calls that never succeeded. The cache expires with its TTL (7 days after the first write
 * of the item's last execution, shared/llm/call-cache.ts); a retry after that pays those calls again.
 */
export function createFinishItem(deps: FinishDeps): FinishItem {
  return async ({ runId, index }, { status, usage, stopped = false, rejectCode }) => {
    // The result is durable before this is called, so the cache can go in the same round trip as the count: a re-run
    // after a crash between the two adopts the stored result and pays for nothing.
    const [{ first, complete }] = await Promise.all([
      deps.runs.markDone(runId, index, status, usage, stopped, rejectCode),
      status === 'errored' ? undefined : deps.redis.del(itemCacheKey(deps.prefix, runId, index)),
    ]);
    if (first) itemsFinished.inc({ status, reason: rejectCode ?? 'none' });
    if (complete) {
      await enqueuePublish(deps.publishQueue, runId);
    }
  };
}
