/**
 * Modes of the System 2 Attention program and of Universal Self-Consistency, read from a prompt's wording. Checked
 * before the CoT / RaR keywords, since an S2A rewrite request also says "do not answer" like a RaR rephrase.
 */
export type S2aMode = 's2a-rewrite' | 's2a-answer' | 'usc-select';

const CONTEXT = /\bcontext\b/i;
const QUESTION = /\b(?:question|query)\b/i;
const BIAS_WORDS = /\b(?:opinions?|unbiased|bias(?:ed)?|irrelevant|guess(?:es)?|view(?:point)?s?|preferences?)\b/i;
const EXTRACT_VERB = /\b(?:extract|pull out|rewrite|re-write|separate|keep only|leave out|remove|strip)\b/i;
/** Lines that start with the two labels, as a rewrite's output (call 2's input) carries them. */
const CONTEXT_LINE = /^\s*context\s*:/im;
const QUESTION_LINE = /^\s*question\s*:/im;
const MOST_CONSISTENT = /\bmost\s+consistent\b/i;
const NUMBERED_RESPONSE = /^\s*response\s+\d+\s*:/im;

export function detectS2aMode(text: string): S2aMode | null {
  if (MOST_CONSISTENT.test(text) && NUMBERED_RESPONSE.test(text)) return 'usc-select';
  // Any wording that asks to extract the unbiased context and the question (s2d's template, or the paper's own).
  if (CONTEXT.test(text) && QUESTION.test(text) && BIAS_WORDS.test(text) && EXTRACT_VERB.test(text)) return 's2a-rewrite';
  if (CONTEXT_LINE.test(text) && QUESTION_LINE.test(text)) return 's2a-answer';
  return null;
}
