import { z } from 'zod';
import { ANSWER_TYPES } from '../core-types.js';
import { structuredInputSchema } from '../perturbation/structured-input.js';

/** The input fields of an item's job, the same for a distill item and an eval item (never a label). */
export const itemInputShape = {
  id: z.string(),
  prompt: z.string().min(1),
  answerType: z.enum(ANSWER_TYPES),
  /** The structured form the prompt was rendered from (pair / options), for strategies (BSM) and perturbations. */
  structured: structuredInputSchema.optional(),
};
