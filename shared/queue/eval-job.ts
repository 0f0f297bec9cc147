import { z } from 'zod';
import { itemInputShape } from './item-input.js';

/** Queue of eval items, worked by `s2d worker` beside `distill` and `publish`. */
export const EVAL_QUEUE = 'eval';

/**
 * Payload of an `eval` job: one item's input, never its label (labels stay in the artifact store until the eval is
 * finalised, so no code path that builds a prompt can see them).
 */
export const evalJobSchema = z
  .object({
    evalId: z.string().min(1),
    index: z.number().int().min(0),
    ...itemInputShape,
    /** 429 re-queues so far (workers/llm-failure-policy.ts writes it; never set by the submitter). */
    rateLimitRequeues: z.number().int().min(0).optional(),
    /** An outage-class failure waiting to be judged, and those judged the item's own (workers/outage-parking.ts). */
    outageSuspect: z.object({ at: z.number(), reason: z.string() }).strict().optional(),
    itemFaults: z.number().int().min(0).optional(),
  })
  .strict();
export type EvalJob = z.infer<typeof evalJobSchema>;
