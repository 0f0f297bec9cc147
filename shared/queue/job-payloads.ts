import { z } from 'zod';
import { itemInputShape } from './item-input.js';

/** Payload of a `distill` job: one item, self-contained so a worker needs no other read to start it. */
export const distillJobSchema = z.object({
  runId: z.string().min(1),
  index: z.number().int().min(0),
  line: z.number().int().min(1),
  ...itemInputShape,
});
export type DistillJob = z.infer<typeof distillJobSchema>;

/** Payload of a `publish` job. */
export const publishJobSchema = z.object({ runId: z.string().min(1) });
export type PublishJob = z.infer<typeof publishJobSchema>;

/**
 * Deterministic job ids: the same item of the same run always maps to the same id, so BullMQ ignores a second add
 * while the first is still in Redis. (BullMQ ids must not contain ':'.)
 */
export function distillJobId(runId: string, index: number): string {
  return `${runId}__${index}`;
}

export function publishJobId(runId: string): string {
  return `${runId}__publish`;
}
