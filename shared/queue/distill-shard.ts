import { QUEUES } from './queue-names.js';

/**
 * The distill queue shard of an item: a stable hash (32-bit FNV-1a) of its run id and index, modulo `shards`. Stable
 * across processes and restarts, so a re-submission or `s2d retry` adds an item to the same queue as before and
 * BullMQ's job-id deduplication still holds. With one shard every item is on shard 0.
 */
export function distillShard(runId: string, index: number, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  if (shards === 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${runId}\n${index}`, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The BullMQ queue name of a distill shard: shard 0 is `distill` (the one queue of a single-shard deployment), then `distill-1`, `distill-2`… */
export function distillQueueName(shard: number): string {
  return shard === 0 ? QUEUES.distill : `${QUEUES.distill}-${shard}`;
}
