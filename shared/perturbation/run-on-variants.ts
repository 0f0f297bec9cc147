import type { StructuredInput } from '../core-types.js';
import type { Sampler } from '../llm/sampler.js';
import { SharedCallsSampler } from '../llm/shared-calls-sampler.js';
import type { PerturbationKind } from './perturbation-kinds.js';
import { buildVariants, type Variant } from './perturbation.js';

export interface VariantsOptions<T> {
  /** The original input's prompt and structured form. */
  prompt: string;
  input: StructuredInput;
  perturbations: { kinds: readonly PerturbationKind[]; variants: number };
  /** Seeds the variants (e.g. [sampling seed, item id]): a retried item gets the same variants, so the same cached calls. */
  seedParts: readonly (string | number)[];
  sampler: Sampler;
  /** A variant's prompt, rendered through the same templates as the original's. */
  renderPrompt: (input: StructuredInput) => string;
  /**
   * The program to run on each input (strategy alone for evaluation; strategy + curation for distillation).
   * `variant` names the input (`original` for the original) and maps its answers back to the original's terms.
   */
  run: (prompt: string, structured: StructuredInput, sampler: Sampler, variant: Pick<Variant, 'name' | 'mapBack'>) => Promise<T>;
}

export interface VariantsOutcome<T> {
  original: T;
  /** One per variant, in `buildVariants` order, with the map from its answers back to the original's terms. */
  variants: { variant: Variant; outcome: T }[];
}

const ORIGINAL: Pick<Variant, 'name' | 'mapBack'> = { name: 'original', mapBack: (answer) => answer };

/**
 * Runs a program on an input and on each of its perturbed variants, concurrently, through one sampler that shares
 * identical in-flight calls (BSM's question-only branch call serves both orders and is paid once). Shared by the
 * distill worker (perturbation-consistency curation) and the eval worker (% inconsistent), so both build the same
 * variants and pay for the same calls.
 */
export async function runOnVariants<T>(options: VariantsOptions<T>): Promise<VariantsOutcome<T>> {
  const shared = new SharedCallsSampler(options.sampler);
  const variants = buildVariants(options.input, options.perturbations.kinds, options.perturbations.variants, options.seedParts);
  const [original, ...outcomes] = await Promise.all([
    options.run(options.prompt, options.input, shared, ORIGINAL),
    ...variants.map((variant) => options.run(options.renderPrompt(variant.input), variant.input, shared, variant)),
  ]);
  if (original === undefined) throw new Error('runOnVariants: the original input produced no outcome');
  return {
    original,
    variants: variants.map((variant, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) throw new Error(`runOnVariants: variant ${variant.name} produced no outcome`);
      return { variant, outcome };
    }),
  };
}
