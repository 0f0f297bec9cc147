/**
 * What kind of reply a prompt asks for, read from its wording. Keyword sets are deliberately broad so other
 * templates that ask for the same thing (a user's own CoT or RaR wording) land in the same mode.
 */
import { detectS2aMode } from './s2a-modes.js';

export const REASONING_MODES = ['direct', 'cot', 'rar1', 'rar2-rephrase', 'rar2-answer', 's2a-rewrite', 's2a-answer', 'usc-select'] as const;
export type ReasoningMode = (typeof REASONING_MODES)[number];

/** The accuracy bucket of a mode (the rephrase call has no answer of its own). */
export type AccuracyMode = 'direct' | 'cot' | 'rar1' | 'rar2';

const REPHRASE_VERB =
  /\b(?:re-?state|re-?phrase|re-?word|paraphrase|re-?write|reformulate|put (?:it|the question) in your own words|expand (?:on )?(?:the|this) question)\b/i;
// "I don't think the answer is X" (an asker's doubt in a biased question) is not an instruction: verbs of opinion
// may not sit between the negation and "answer".
const NO_ANSWER =
  /\b(?:do not|don't|without|never|must not|should not|shouldn't)\s+(?!(?:\w+\s+){0,2}?(?:think|believe|suppose|guess|reckon)\b)(?:\w+\s+){0,2}(?:answer|answering|solve|solving|respond)\b|\bquestion only\b|\bonly (?:the|a|your) (?:restated|rephrased|reworded|paraphrased|rewritten|expanded) (?:question|version)\b/i;
const RESTATED_SHOWN =
  /\b(?:restated|rephrased|reworded|paraphrased|rewritten|reformulated|expanded)\b(?:[\s,]+[\w-]+){0,3}?[\s,]+(?:version|question|form|wording)\b/i;
const STEP_BY_STEP =
  /\bstep[\s-]+by[\s-]+step\b|\bthink (?:it |this |things |that )?(?:through|carefully|out loud|aloud)\b|\breason (?:it |this )?(?:through|out)\b|\b(?:show|explain) (?:your|the|all) (?:work|reasoning|steps|thinking)\b|\bwalk (?:me |us )?through\b|\bchain[\s-]of[\s-]thought\b|\blet'?s think\b|\bbefore (?:you )?(?:commit|answer|give|respond)\b/i;

/** Detects the mode from the instruction text (system messages plus the last user message). */
export function detectReasoningMode(text: string): ReasoningMode {
  const s2a = detectS2aMode(text);
  if (s2a !== null) return s2a;
  const rephrase = REPHRASE_VERB.test(text);
  if (rephrase && NO_ANSWER.test(text)) return 'rar2-rephrase';
  if (RESTATED_SHOWN.test(text)) return 'rar2-answer';
  if (rephrase) return 'rar1';
  if (STEP_BY_STEP.test(text)) return 'cot';
  return 'direct';
}

export function accuracyModeOf(mode: ReasoningMode): AccuracyMode | null {
  // A rewrite or a selection carries no answer of its own; an S2A answer call is one direct answer.
  if (mode === 'rar2-rephrase' || mode === 's2a-rewrite' || mode === 'usc-select') return null;
  if (mode === 's2a-answer') return 'direct';
  return mode === 'rar2-answer' ? 'rar2' : mode;
}

/** Modes whose replies carry reasoning (and so can ramble off without a final answer). */
export function isReasoningMode(mode: ReasoningMode): boolean {
  return mode === 'cot' || mode === 'rar1' || mode === 'rar2-answer';
}
