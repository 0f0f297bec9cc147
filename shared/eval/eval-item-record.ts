import { z } from 'zod';
import { ANSWER_TYPES } from '../core-types.js';

/**
 * The durable outcome of one eval item, written by a worker that never sees the label: what the strategy answered
 * and what it cost. Scoring against the label happens only when the eval is finalised.
 */
export const evalItemRecordSchema = z.object({
  index: z.number().int().min(0),
  id: z.string(),
  answerType: z.enum(ANSWER_TYPES),
  status: z.enum(['answered', 'errored']),
  /** The strategy's normalised answer (with samples > 1, the plurality); null when none was extractable. */
  predicted: z.string().nullable(),
  /** Distinct answers and their counts, most votes first. */
  votes: z.array(z.object({ answer: z.string(), count: z.number().int() })),
  samples: z.number().int().min(0),
  unextractable: z.number().int().min(0),
  /** LLM completions used, every intermediate call of every sample included. */
  calls: z.number().int().min(0),
  promptTokens: z.number().int().min(0),
  /** Generated tokens, every intermediate call of every sample included (the paper's cost metric). */
  completionTokens: z.number().int().min(0),
  /** Part of promptTokens the endpoint reported as served from its prompt cache; absent when it reports none. */
  cachedPromptTokens: z.number().int().min(0).optional(),
  /** Wall time of the item's program, ms (the attempt that produced this record). */
  latencyMs: z.number().min(0),
  /**
   * Whether the item's answer survived an input perturbation (e.g. swapping candidates A and B); absent when the
   * strategy reports no variants. See `itemConsistency`.
   */
  consistent: z.boolean().optional(),
  error: z.string().optional(),
});

export type EvalItemRecord = z.infer<typeof evalItemRecordSchema>;
