import type OpenAI from 'openai';

/** The `metadata` keys a batch carries to name its run and sequence number. */
export const RUN_METADATA_KEY = 's2d_run';
export const SEQ_METADATA_KEY = 's2d_seq';

/** A batch's metadata: who made it, for the look after a crash ({@link findCreatedBatch}). */
export function batchMetadata(runId: string, seq: number): Record<string, string> {
  return { [RUN_METADATA_KEY]: runId, [SEQ_METADATA_KEY]: String(seq), source: 's2d' };
}

/**
 * The batch of this run and sequence number if the provider already has it: a batcher that died between
 * `batches.create` and recording its id left it there. Lists newest first and stops at batches older than the claim
 * (minus a minute of clock skew): nothing older can be it.
 */
export async function findCreatedBatch(client: OpenAI, runId: string, seq: number, claimedAtMs: number): Promise<OpenAI.Batches.Batch | null> {
  const oldest = Math.floor(claimedAtMs / 1000) - 60;
  for await (const batch of client.batches.list({ limit: 100 })) {
    const metadata = batch.metadata as Record<string, string> | null | undefined;
    if (metadata?.[RUN_METADATA_KEY] === runId && metadata[SEQ_METADATA_KEY] === String(seq)) return batch;
    if (batch.created_at < oldest) return null;
  }
  return null;
}
