import type { AnswerType } from '../core-types.js';
import { formatTarget } from '../curation/format-target.js';
import { extractAnswer } from '../extraction/extract-answer.js';
import type { SampleChain } from '../strategies/strategy.js';
import type { TemplateSet } from '../strategies/templates.js';

/**
 * The hook for "% inconsistent under perturbation" (e.g. A/B swap for judge tasks): an item is consistent when, in
 * every chain that reports variants (`SampleChain.variantTexts`), each variant's extracted answer equals the chain's
 * own. Undefined when no chain reports variants — the eval then has no inconsistency metric for that item.
 */
export function itemConsistency(chains: readonly SampleChain[], answerType: AnswerType): boolean | undefined {
  const perturbed = chains.filter((chain) => chain.variantTexts !== undefined && chain.variantTexts.length > 0);
  if (perturbed.length === 0) return undefined;
  const read = (text: string): string | null => {
    const result = extractAnswer(text, answerType);
    return result.ok ? result.answer : null;
  };
  return perturbed.every((chain) => {
    const own = read(chain.finalText);
    return own !== null && (chain.variantTexts ?? []).every((variant) => read(variant) === own);
  });
}

/** One perturbed variant's chains and the map from its answers to the original's terms. */
export interface VariantChains {
  mapBack: (answer: string) => string;
  chains: readonly SampleChain[];
}

/**
 * The original chains with `variantTexts` filled from the same-index chains of each variant: each variant answer is
 * extracted, mapped back to the original's frame, and written in the answer type's canonical form (a verdict as
 * the judge target, e.g. `[[B]]`), so `itemConsistency` reads it like any final text. A variant chain without an
 * extractable answer contributes its raw text, which extracts to nothing and so counts as inconsistent.
 */
export function withVariantTexts(
  original: readonly SampleChain[],
  variants: readonly VariantChains[],
  answerType: AnswerType,
  templates: Pick<TemplateSet, 'verdictTarget'>,
): SampleChain[] {
  return original.map((chain) => {
    const variantTexts = variants.map(({ mapBack, chains }) => {
      const twin = chains.find((candidate) => candidate.sampleIndex === chain.sampleIndex);
      if (twin === undefined) return '';
      const extraction = extractAnswer(twin.finalText, answerType);
      return extraction.ok ? formatTarget(mapBack(extraction.answer), answerType, templates) : twin.finalText;
    });
    return { ...chain, variantTexts };
  });
}
