import { runKeys } from '../runs/run-keys.js';

/**
 * The Redis keys of a batch-mode run, all built here and all under the run's own key (`runKeys(...).run`), so
 * re-tagging a run's keys (e.g. Redis Cluster hash tags) re-tags these with it:
 * - `requests`: hash, custom_id -> request record (BatchRequestRecord JSON); a request in flight, deleted once answered.
 * - `pending`: list of custom_ids registered and not yet in a batch (or back from one to be resubmitted).
 * - `batches`: hash, batch sequence number -> batch record (BatchRecord JSON): the durable state of each batch.
 * - `open`: set of the sequence numbers of batches not yet closed.
 * - `members:<seq>`: list of the custom_ids in batch <seq>, in input-file order; deleted when the batch closes.
 * - `stats`: hash of counters (shared/batch/batch-stats.ts) and the sequence counter.
 */
export type BatchKeyPart = 'requests' | 'pending' | 'batches' | 'open' | 'stats' | `members:${number}`;

export function batchKey(prefix: string, runId: string, part: BatchKeyPart): string {
  return `${runKeys(prefix, runId).run}:batch:${part}`;
}
