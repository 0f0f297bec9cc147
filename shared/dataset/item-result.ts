import { z } from 'zod';
import { ANSWER_TYPES } from '../core-types.js';
import { structuredInputSchema } from '../perturbation/structured-input.js';

/** Line-level input problems the producer rejects (the rest of the run goes on); see docs/input-format.md. */
export const INPUT_REJECT_CODES = [
  'invalid-input', // a field is missing, has the wrong type, or a value not allowed (e.g. an unknown answerType)
  'malformed-json', // the line is not JSON, or not a JSON object
  'empty-prompt', // "prompt" is an empty or whitespace-only string
  'prompt-too-long', // "prompt" is longer than inputLimits.maxPromptChars
  'invalid-utf8', // the line's bytes are not valid UTF-8 (never silently replaced)
  'nul-byte', // the line, or its prompt/id, holds a NUL character
  'line-too-long', // the line is longer than inputLimits.maxLineBytes (it is skipped, never held whole)
  'duplicate-id', // an earlier line already used this id; the reason names that line
] as const;

/** Items never started because their run stopped early (the dataset is then published as partial). */
export const STOP_REJECT_CODES = [
  'cancelled', // `s2d cancel`
  'budget-exhausted', // the run's budget was reached
] as const;

/** Why an item did not become a training line. Data, not exceptions: every one ends in the rejects file. */
export const REJECT_CODES = [
  ...INPUT_REJECT_CODES,
  'no-extractable-answer', // no sample produced an answer that extraction could read
  'tie', // two or more answers share the top vote count
  'weak-majority', // the winner's share of all samples is below curation.minAgreement
  'invalid-selection', // USC: the selection call's reply names no response, or one out of range
  'perturbation-inconsistent', // the original and its perturbed variants do not all agree (after mapping back)
  ...STOP_REJECT_CODES,
] as const;
export type InputRejectCode = (typeof INPUT_REJECT_CODES)[number];
export type StopRejectCode = (typeof STOP_REJECT_CODES)[number];
export type RejectCode = (typeof REJECT_CODES)[number];

const usageSchema = z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) });

export const voteSchema = z.object({ answer: z.string(), count: z.number().int().min(1) });
export type Vote = z.infer<typeof voteSchema>;

/** Why an adaptive item stopped drawing samples (see shared/curation/stopping-rules.ts). */
export const SAMPLING_DECISIONS = [
  'decided', // the stopping rule was met and the vote over the drawn samples accepts
  'undecidable', // no answer could reach curation.minAgreement even if every remaining sample agreed with it
  'max-samples', // all sampling.samples were drawn without either
  'abandoned', // perturbations: another variant already settled that the item is rejected
] as const;
export type SamplingDecision = (typeof SAMPLING_DECISIONS)[number];

/** How an item was sampled under `sampling.adaptive` (absent for fixed-N runs, which draw all `sampling.samples`). */
export const samplingRecordSchema = z.object({
  /** Samples drawn (and curated). */
  drawn: z.number().int().min(0),
  /** The most the item could have drawn (`sampling.samples`). */
  max: z.number().int().min(0),
  /** Sampling rounds: strategy runs over a range of sample indices (an `n`-capable endpoint serves each step in one request). */
  rounds: z.number().int().min(0),
  decision: z.enum(SAMPLING_DECISIONS),
  /** The rule's reason, e.g. `beta P=0.968 >= 0.95 (4 vs 0) after 4`. */
  why: z.string(),
});
export type SamplingRecord = z.infer<typeof samplingRecordSchema>;

/** One input-perturbation variant's outcome: its voted answer, that answer in the original's terms, its votes. */
export const variantRecordSchema = z.object({
  name: z.string(),
  answer: z.string().nullable(),
  mapped: z.string().nullable(),
  votes: z.array(voteSchema),
  code: z.string().optional(),
  /** Adaptive runs: how this variant was sampled. */
  sampling: samplingRecordSchema.optional(),
});
export type VariantRecord = z.infer<typeof variantRecordSchema>;

const base = {
  index: z.number().int().min(0),
  line: z.number().int().min(1),
  id: z.string(),
  /** The user's input exactly as given ('' when the line could not be read). */
  prompt: z.string(),
  answerType: z.enum(ANSWER_TYPES).optional(),
  strategy: z.string().optional(),
  /** Samples drawn for the item. */
  samples: z.number().int().min(0).default(0),
  /** Vote counts per normalised answer, most votes first. */
  votes: z.array(voteSchema).default([]),
  /** Samples whose final text held no extractable answer. */
  unextractable: z.number().int().min(0).default(0),
  /** LLM completions used (cached or paid) and their usage. */
  calls: z.number().int().min(0).default(0),
  usage: usageSchema.default({ promptTokens: 0, completionTokens: 0 }),
  /** Which curation method decided, and for USC the selected sample (absent on results stored before USC existed). */
  curation: z
    .object({
      method: z.enum(['vote', 'usc']),
      selectedSample: z.number().int().min(0).optional(),
      selectedResponse: z.number().int().min(1).optional(),
      uscCall: z.boolean().optional(),
    })
    .optional(),
  /** Input-perturbation runs: the original's and every variant's answers (original first). */
  variants: z.array(variantRecordSchema).optional(),
  /**
   * Adaptive runs (`sampling.adaptive`): samples drawn, the maximum, and why sampling stopped; for perturbation runs
   * summed over the original and its variants, with the original's decision. Absent for fixed-N runs.
   */
  sampling: samplingRecordSchema.optional(),
  /** Wall time the worker spent on the item, ms. */
  elapsedMs: z.number().min(0).default(0),
};

export const itemResultSchema = z.discriminatedUnion('status', [
  z.object({
    ...base,
    status: z.literal('accepted'),
    /** The curated final answer: the assistant turn of the training line. */
    target: z.string().min(1),
    /** Winner's votes / all samples. */
    voteShare: z.number().min(0).max(1),
    /**
     * Extra training lines from the same item (`perturbations.emitSwapped`): a perturbed input with the target in
     * that input's terms. They go to the item's split, so no item straddles train and validation.
     */
    augmented: z.array(z.object({ variant: z.string(), prompt: z.string().min(1), target: z.string().min(1) })).optional(),
  }),
  z.object({
    ...base,
    status: z.literal('rejected'),
    code: z.enum(REJECT_CODES),
    reason: z.string(),
    voteShare: z.number().min(0).max(1).optional(),
    /** For invalid input: where the problem is. */
    file: z.string().optional(),
    field: z.string().optional(),
  }),
  z.object({
    ...base,
    status: z.literal('errored'),
    reason: z.string(),
    attempts: z.number().int().min(1),
    /** The item's structured input (pair / options), kept so `s2d retry` can run it again exactly as it was. */
    structured: structuredInputSchema.optional(),
  }),
]);

export type ItemResult = z.infer<typeof itemResultSchema>;
export type ItemResultInput = z.input<typeof itemResultSchema>;
export type ItemStatus = ItemResult['status'];

/** The curation counts of an item that made no LLM call (rejected at input, stopped, or errored before any answer). */
export function noLlmWork(elapsedMs = 0): Pick<ItemResult, 'samples' | 'votes' | 'unextractable' | 'calls' | 'usage' | 'elapsedMs'> {
  return { samples: 0, votes: [], unextractable: 0, calls: 0, usage: { promptTokens: 0, completionTokens: 0 }, elapsedMs };
}
