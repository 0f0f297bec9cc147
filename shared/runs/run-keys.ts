/**
 * Redis keys of a run. Per run, Redis holds one small hash and two bitmaps (one bit per item, so a million items
 * cost 125 KB each) — work in flight, never the results themselves, which live in the artifact store.
 *
 * Every per-run key, the items' call caches included, carries the hash tag `{<runId>}`: the scripts that touch
 * several of them at once (mark-done, begin-retry, settle-request, a move that drops the bitmaps) then address one
 * Redis Cluster slot, and different runs spread over the cluster's nodes. The run index is global and no script
 * touches it together with a run's keys.
 */
export interface RunKeys {
  /** Hash: spec, state, total, counters (see RunRecord). */
  run: string;
  /** Bitmap: bit i set once item i has been handed to the queue by a producer. */
  enqueued: string;
  /** Bitmap: bit i set once item i's result is durable. */
  done: string;
  /** Sorted set of all run ids by submit time (global: never in the same script as a run's keys). */
  index: string;
}

export function runKeys(prefix: string, runId: string): RunKeys {
  return {
    run: `${prefix}:run:${runTag(runId)}`,
    enqueued: `${prefix}:run:${runTag(runId)}:enqueued`,
    done: `${prefix}:run:${runTag(runId)}:done`,
    index: `${prefix}:runs`,
  };
}

/**
 * Call-cache hash of one item: field = call key, value = the completion. Deleted once the item is done. Tagged by
 * its run: settle-request writes it and counts the request in the run hash in one step.
 */
export function itemCacheKey(prefix: string, runId: string, index: number): string {
  return `${prefix}:cache:${runTag(runId)}:${index}`;
}

/** A run's Redis Cluster hash tag (run ids hold no braces: [A-Za-z0-9._-]). */
function runTag(runId: string): string {
  return `{${runId}}`;
}
