import { z } from 'zod';

/** How a run sends its LLM requests: `online` (one synchronous request per call) or `batch` (a provider's Batch API). */
export const MODEL_MODES = ['online', 'batch'] as const;
export type ModelMode = (typeof MODEL_MODES)[number];

/**
 * `model.batch`: how a `batch`-mode run packs its pending requests into Batch API input files and watches them
 * (docs/batch-mode.md). Ignored in `online` mode.
 */
export const batchOptionsSchema = z
  .object({
    /**
     * Most requests (JSONL lines) in one batch input file. Default 50 000 (OpenAI's limit); a provider with a lower
     * limit needs it lowered, or its batches fail at validation.
     */
    maxRequestsPerBatch: z.number().int().positive().max(1_000_000).default(50_000),
    /** Largest batch input file, bytes (a line never splits; one line larger than this is sent alone). Default 190 000 000. */
    maxBatchBytes: z.number().int().positive().default(190_000_000),
    /**
     * How often the batcher looks at the run's open batches and pending requests, ms; also how long pending requests
     * must stop arriving before a partial batch is sent (a full one goes at once). Default 30 000.
     */
    pollMs: z.number().int().min(10).max(3_600_000).default(30_000),
    /**
     * How many batches a request may be sent in before it counts as failed: a request that expired, was cancelled by
     * the provider, or failed with a retryable status (5xx, 408, 409, 429) is resubmitted in a later batch until then.
     * Default 3.
     */
    maxTries: z.number().int().min(1).max(20).default(3),
  })
  .strict();

export type BatchOptions = z.output<typeof batchOptionsSchema>;

/** The batch options of a spec stored before `model.batch` existed, or given without it: the defaults. */
export function batchOptionsOf(model: { batch?: unknown }): BatchOptions {
  return batchOptionsSchema.parse(model.batch ?? {});
}
