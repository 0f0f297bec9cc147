import type { StrategyRef } from '../strategies/strategy-ref.js';

/** How curation picks a target: exact-match majority vote, or Universal Self-Consistency (one more LLM call). */
export const CURATION_METHODS = ['vote', 'usc'] as const;
export type CurationMethod = (typeof CURATION_METHODS)[number];

/** What decided an accepted (or USC-rejected) item, for the item result and provenance. */
export interface CurationInfo {
  method: CurationMethod;
  /** USC: the sample index of the selected response. */
  selectedSample?: number;
  /** USC: the 1-based number the selected response was shown under. */
  selectedResponse?: number;
  /** USC: false when the call was skipped because every sample gave the same answer. */
  uscCall?: boolean;
}

/** The method a run uses: the spec's choice, else USC for S2A (the paper's setting) and voting for the rest (user-defined programs included). */
export function curationMethodOf(spec: { strategy: StrategyRef; curation: { method?: CurationMethod | undefined } }): CurationMethod {
  return spec.curation.method ?? (spec.strategy === 's2a' ? 'usc' : 'vote');
}
