import { z } from 'zod';
import type { BatchCounters } from './batch-store.js';

const count = z.number().int().min(0);

/**
 * A batch-mode run's batches and requests (`batch` in `s2d status --json`, progress and the manifest). Batches are
 * counted by the provider's final status; `open` are created or being created and not yet ingested.
 */
export const batchReportSchema = z
  .object({
    batches: z.object({ created: count, open: count, completed: count, expired: count, failed: count, cancelled: count }).strict(),
    requests: z
      .object({
        /** Registered by items, each once. */
        registered: count,
        /** Waiting to be put into a batch. */
        pending: count,
        /** Lines sent in batches, resubmissions included. */
        submitted: count,
        answered: count,
        /** Sent again after their batch expired, was cancelled, or their line failed retryably. */
        resubmitted: count,
        /** Given up on (handed to their items as failures). */
        failed: count,
      })
      .strict(),
    /** Item parks per item: the batch rounds an item waited for, on average (see BatchCounters.parks); null with no items. */
    roundsPerItem: z.number().min(0).nullable(),
  })
  .strict();

export type BatchReport = z.output<typeof batchReportSchema>;

export function batchReport(counters: BatchCounters, open: number, pending: number, items: number | null): BatchReport {
  const ended = (status: string): number => counters.ended[status] ?? 0;
  return {
    batches: { created: counters.batchesCreated, open, completed: ended('completed'), expired: ended('expired'), failed: ended('failed'), cancelled: ended('cancelled') },
    requests: {
      registered: counters.registered,
      pending,
      submitted: counters.submitted,
      answered: counters.answered,
      resubmitted: counters.resubmitted,
      failed: counters.requestsFailed,
    },
    roundsPerItem: items === null || items === 0 ? null : Math.round((counters.parks / items) * 100) / 100,
  };
}
