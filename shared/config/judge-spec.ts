import { z } from 'zod';
import { PERTURBATION_KINDS } from '../perturbation/perturbation-kinds.js';

/** Run-spec overrides of the judge / BSM / multiple-choice templates (see shared/strategies/judge-templates.ts). */
export const judgeTemplateOverrides = {
  judge: z.string().min(1),
  choice: z.string().min(1),
  bsmBranch: z.string().min(1),
  bsmSolve: z.string().min(1),
  bsmMerge: z.string().min(1),
  verdictTarget: z.string().min(1),
};

/** Run spec `bsm`: Branch-Solve-Merge settings. */
export const bsmSpecSchema = z
  .object({
    /** Most criteria the branch step may propose (one solve call each). Default 5. */
    maxCriteria: z.number().int().min(1).max(10).default(5),
    /** `sum` adds the per-criterion scores (equal totals: tie); `llm` asks one more call to merge. Default `sum`. */
    merge: z.enum(['sum', 'llm']).default('sum'),
  })
  .strict();

/**
 * Run spec `perturbations`: input-perturbation consistency. Each kind adds variants of every item (`swap-ab`: one,
 * the pair with A and B swapped; `shuffle-options`: `variants` seeded permutations of the options); the strategy
 * runs on the original and every variant, each variant's answer is mapped back, and the item is kept only if all
 * agree.
 */
export const perturbationSpecSchema = z
  .object({
    kinds: z.array(z.enum(PERTURBATION_KINDS)).min(1),
    /** Variants per kind that has a choice (shuffle-options); swap-ab always has exactly one. Default 1. */
    variants: z.number().int().min(1).max(8).default(1),
    /**
     * Also emit each accepted item's perturbed inputs as extra training lines, with the target in their terms
     * (swap-ab: the verdict flipped), so the distilled judge sees both orders. Default false.
     */
    emitSwapped: z.boolean().default(false),
  })
  .strict()
  .refine((p) => !(p.kinds.includes('swap-ab') && p.kinds.includes('shuffle-options')), {
    error: 'swap-ab applies to pairs and shuffle-options to options: a run uses one of them',
  });

/**
 * BSM is greedy by default (temperature 0, one sample per order, as in the method): a `bsm` spec that does not set
 * `sampling.samples` / `sampling.temperature` gets 1 and 0 instead of the self-consistency defaults.
 */
export function withBsmSamplingDefaults(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || (input as { strategy?: unknown }).strategy !== 'bsm') return input;
  const spec = input as Record<string, unknown>;
  const sampling = typeof spec.sampling === 'object' && spec.sampling !== null ? (spec.sampling as Record<string, unknown>) : {};
  return { ...spec, sampling: { samples: 1, temperature: 0, ...sampling } };
}
