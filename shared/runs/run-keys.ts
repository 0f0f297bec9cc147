/**
 * Redis keys of a run. Per run, Redis holds one small hash and two bitmaps (one bit per item, so a million items
 * cost 125 KB each) — work in flight, never the results themselves, which live in the artifact store.
 */
export interface RunKeys {
  /** Hash: spec, state, total, counters (see RunRecord). */
  run: string;
  /** Bitmap: bit i set once item i has been handed to the queue by a producer. */
  enqueued: string;
  /** Bitmap: bit i set once item i's result is durable. */
  done: string;
  /** Sorted set of all run ids by submit time. */
  index: string;
}

export function runKeys(prefix: string, runId: string): RunKeys {
  return {
    run: `${prefix}:run:${runId}`,
    enqueued: `${prefix}:run:${runId}:enqueued`,
    done: `${prefix}:run:${runId}:done`,
    index: `${prefix}:runs`,
  };
}

/** Call-cache hash of one item: field = call key, value = the completion. Deleted once the item is done. */
export function itemCacheKey(prefix: string, runId: string, index: number): string {
  return `${prefix}:cache:${runId}:${index}`;
}
