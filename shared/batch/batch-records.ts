/**
 * Terminology of batch mode (docs/batch-mode.md):
 * - request: one chat-completions call of one item (n choices), a line of a batch input file, named by its custom_id.
 * - batch: one provider batch, named inside s2d by its run and sequence number (`seq`), which its `metadata` carries.
 * - round: what an item waits for between two replays of its program: the batches holding its pending requests.
 */

/** A request in flight (`requests` hash): registered by its item, sent in batches until answered or given up on. */
export interface BatchRequestRecord {
  /** The item's index in its run (its distill job is woken when the request is answered or fails). */
  item: number;
  /** The item's call-cache hash the answer goes into. */
  cache: string;
  /** The call-cache field of each choice, in choice order (choice i answers sample fields[i]). */
  fields: string[];
  /** The batch input line: `{custom_id, method, url, body}`. */
  line: string;
  /** Batches it has been sent in. */
  tries: number;
  state: 'pending' | 'sent' | 'failed';
  /** Why it failed (state failed): the line's error as an online call would report it, or the tries used up. */
  reason?: string;
  /** The HTTP status of its last failed line, when it had one (so the item classifies it like an online failure). */
  status?: number;
}

/**
 * A batch's durable state (`batches` hash). Each step records its state before the next provider call, so a
 * batcher that dies anywhere resumes from the record:
 * claimed (members chosen) -> uploaded (input file id) -> created (batch id) -> ended (provider's final status,
 * output/error file ids) -> ingested (answers cached, the rest resubmitted or failed; items to wake listed) -> closed.
 */
export interface BatchRecord {
  seq: number;
  state: 'claimed' | 'uploaded' | 'created' | 'ended' | 'ingested' | 'closed';
  requests: number;
  bytes: number;
  claimedAt: number;
  fileId?: string;
  batchId?: string;
  /** The provider's last status: validating, in_progress, finalizing, completed, expired, failed, cancelling, cancelled. */
  status?: string;
  outputFileId?: string | null;
  errorFileId?: string | null;
  /** Why a whole batch failed (e.g. its input file was refused at validation). */
  errors?: string;
  endedAt?: number;
  /** Items to wake once the batch is ingested. */
  wake?: number[];
  answered?: number;
  resubmitted?: number;
  failed?: number;
  /** A cancel was sent for it (run cancelled). */
  cancelRequested?: boolean;
}

export const OPEN_PROVIDER_STATES = new Set(['validating', 'in_progress', 'finalizing', 'cancelling']);
