import type { StructuredInput } from '../core-types.js';
import type { Sampler } from '../llm/sampler.js';
import { SharedCallsSampler } from '../llm/shared-calls-sampler.js';
import type { JudgeTemplateSet } from '../strategies/judge-templates.js';
import type { PerturbationKind } from './perturbation-kinds.js';
import { buildVariants, type Variant } from './perturbation.js';
import { renderStructuredPrompt } from './structured-input.js';

/** The input a variant was built as, named, with the map from its answers back to the original's terms. */
export type VariantRef = Pick<Variant, 'name' | 'mapBack'>;

export interface VariantsOptions<T> {
  /** The item: its prompt, its id (which seeds its variants) and the structured form that is perturbed. */
  item: { id: string; prompt: string; structured?: StructuredInput | undefined };
  /** The spec's `perturbations`; absent: the program runs on the original input alone. */
  perturbations: { kinds: readonly PerturbationKind[]; variants: number } | undefined;
  /** The spec's sampling seed: with the item id it seeds the variants, so a retried item gets the same cached calls. */
  seed: number;
  sampler: Sampler;
  /** The judge/choice templates the item's prompt was rendered through; its variants' prompts are rendered alike. */
  templates: Pick<JudgeTemplateSet, 'judge' | 'choice'>;
  /**
   * The program to run on each input (strategy alone for evaluation; strategy + curation for distillation).
   * `variant` names the input (`original` for the original) when the item is perturbed; undefined when it is not.
   */
  run: (prompt: string, structured: StructuredInput | undefined, sampler: Sampler, variant: VariantRef | undefined) => Promise<T>;
}

export interface VariantsOutcome<T> {
  original: T;
  /** One per variant, in `buildVariants` order; none when the spec has no perturbations. */
  variants: { variant: Variant; outcome: T }[];
}

const ORIGINAL: VariantRef = { name: 'original', mapBack: (answer) => answer };

/**
 * Runs an item's program on its input and, with `perturbations`, on each of its perturbed variants, concurrently,
 * through one sampler that shares identical in-flight calls (BSM's question-only branch call serves both orders and
 * is paid once). The one perturbation path of the distill worker (perturbation-consistency curation) and the eval
 * worker (% inconsistent), so both build the same variants and pay for the same calls.
 *
 * @throws {Error} for a perturbed item without a structured form (the producer rejects such lines first).
 */
export async function runOnVariants<T>(options: VariantsOptions<T>): Promise<VariantsOutcome<T>> {
  const { item, perturbations } = options;
  if (perturbations === undefined) return { original: await options.run(item.prompt, item.structured, options.sampler, undefined), variants: [] };
  const input = item.structured;
  if (input === undefined) throw new Error(`item ${item.id} has no structured input to perturb`);
  const shared = new SharedCallsSampler(options.sampler);
  const variants = buildVariants(input, perturbations.kinds, perturbations.variants, [options.seed, item.id]);
  const [original, ...outcomes] = await Promise.all([
    options.run(item.prompt, input, shared, ORIGINAL),
    ...variants.map((variant) => options.run(renderStructuredPrompt(variant.input, options.templates), variant.input, shared, variant)),
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
