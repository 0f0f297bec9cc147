import { z } from 'zod';
import type { StructuredInput } from '../core-types.js';
import { letteredOptions, renderSlots, type JudgeTemplateSet } from '../strategies/judge-templates.js';

/** Most options a multiple-choice line may have: one letter each, A-Z. */
export const MAX_OPTIONS = 26;

const text = z.string().refine((value) => value.trim() !== '', 'expected a non-empty string');

export const structuredInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pair'), question: text, responseA: text, responseB: text }).strict(),
  z.object({ kind: z.literal('options'), question: text, options: z.array(text).min(2).max(MAX_OPTIONS) }).strict(),
]);

/**
 * The prompt of a structured input: a pair through the `judge` template, options through the `choice` template.
 * It is the user turn of the training line, so the distilled model sees exactly what System 1 saw.
 */
export function renderStructuredPrompt(input: StructuredInput, templates: Pick<JudgeTemplateSet, 'judge' | 'choice'>): string {
  if (input.kind === 'pair') {
    return renderSlots(templates.judge, { question: input.question, response_a: input.responseA, response_b: input.responseB });
  }
  return renderSlots(templates.choice, { question: input.question, options: letteredOptions(input.options) });
}
