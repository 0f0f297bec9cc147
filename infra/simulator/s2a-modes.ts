/**
 * Modes of the System 2 Attention program and of Universal Self-Consistency, read from a prompt's wording. Checked
 * before the CoT / RaR keywords, since an S2A rewrite request also says "do not answer" like a RaR rephrase.
 */
export type S2aMode = 's2a-rewrite' | 's2a-answer' | 'usc-select';

const LABELS = /\bcontext\s*:/i;
const QUESTION_LABEL = /\bquestion\s*:/i;
const BIAS_WORDS = /\b(?:opinions?|unbiased|bias(?:ed)?|irrelevant|guess(?:es)?|view(?:point)?s?)\b/i;
const NO_ANSWER = /\b(?:do not|don't|never|without)\s+(?:\w+\s+){0,2}(?:answer|answering|solve|solving)\b/i;
/** Lines that start with the two labels, as a rewrite's output (call 2's input) carries them. */
const CONTEXT_LINE = /^\s*context\s*:/im;
const QUESTION_LINE = /^\s*question\s*:/im;
const MOST_CONSISTENT = /\bmost\s+consistent\b/i;
const NUMBERED_RESPONSE = /^\s*response\s+\d+\s*:/im;

export function detectS2aMode(text: string): S2aMode | null {
  if (MOST_CONSISTENT.test(text) && NUMBERED_RESPONSE.test(text)) return 'usc-select';
  if (LABELS.test(text) && QUESTION_LABEL.test(text) && BIAS_WORDS.test(text) && NO_ANSWER.test(text)) return 's2a-rewrite';
  if (CONTEXT_LINE.test(text) && QUESTION_LINE.test(text)) return 's2a-answer';
  return null;
}
