import type { AnswerType } from '../core-types.js';
import { extractAnswer } from '../extraction/extract-answer.js';
import type { SampleChain } from '../strategies/strategy.js';

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
