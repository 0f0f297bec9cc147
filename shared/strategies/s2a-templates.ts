import type { AnswerType } from '../core-types.js';

/**
 * Default prompts of System 2 Attention and of Universal Self-Consistency, in s2d's own words (the papers' wording
 * can be substituted through the run spec's `templates` section).
 *
 * - `s2aRewrite` ({{question}}): call 1 of S2A. Asks for the unbiased, relevant context and the actual question, as
 *   two labelled parts, and for no answer.
 * - `s2aAnswer` ({{rewritten}}, {{answer_format}}): call 2 of S2A. Sees the rewrite ALONE; it may not use
 *   {{question}} (the run spec refuses it), since the original input is what S2A keeps away from the answer.
 * - `uscSelect` ({{responses}}, {{count}}, optionally {{question}}): the one USC call. By default it does not show
 *   the original input: judging which response agrees with the majority needs only the responses, and a biased input
 *   would bring its bias back into the choice.
 */
export const S2A_REWRITE_TEMPLATE =
  'Below is a text a user wrote. Pull out only the parts of it that are unbiased and relevant to answering it, and ' +
  "the actual question the user wants answered. Leave out the user's opinions, guesses and preferences about the " +
  'answer, and anything irrelevant. Do not answer the question. Reply in exactly two labelled parts:\n' +
  'Context: <the relevant, unbiased context, or "none">\n' +
  'Question: <the question itself>\n\n' +
  'Text:\n{{question}}';

export const S2A_ANSWER_TEMPLATE =
  'Answer the question below, using only what is written here.\n\n{{rewritten}}\n\n' +
  'Finish with one last line of the form "Answer: <your answer>". {{answer_format}}';

export const USC_SELECT_TEMPLATE =
  'Here are {{count}} responses to the same question, numbered.\n\n{{responses}}\n\n' +
  'Decide which response is most consistent with the majority of the responses: the one whose final answer agrees ' +
  'with the answer most of them give. Reply with one line of the form "Most consistent: Response <number>".';

/** Fills {{rewritten}} and {{answer_format}} only: a {{question}} placeholder stays visible, never filled. */
export function renderS2aAnswer(template: string, rewritten: string, answerFormat: Record<AnswerType, string>, answerType: AnswerType): string {
  return template.replace(/\{\{(rewritten|answer_format)\}\}/g, (_match, name: string) =>
    name === 'rewritten' ? rewritten : answerFormat[answerType],
  );
}
