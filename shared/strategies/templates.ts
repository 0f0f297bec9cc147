import type { AnswerType } from '../core-types.js';
import { S2A_ANSWER_TEMPLATE, S2A_REWRITE_TEMPLATE, USC_SELECT_TEMPLATE } from './s2a-templates.js';
import { DEFAULT_JUDGE_TEMPLATES, type JudgeTemplateSet } from './judge-templates.js';

/**
 * Prompt templates, in s2d's own words. Placeholders: `{{question}}` (the original input exactly as given),
 * `{{rephrased}}` (RaR 2-step: the output of the rephrase call), `{{answer_format}}` (the per-answer-type line
 * below). A run spec may override any template; the manifest records the version of every template used, and an
 * overridden template's version is `custom-<sha256 prefix>` so datasets stay traceable.
 */
export interface TemplateSet extends JudgeTemplateSet {
  system1: string;
  cot: string;
  rar1: string;
  rar2Rephrase: string;
  rar2Answer: string;
  /** S2A call 1 and call 2, and the USC selection call (see s2a-templates.ts for their placeholders). */
  s2aRewrite: string;
  s2aAnswer: string;
  uscSelect: string;
  answerFormat: Record<AnswerType, string>;
}

export type TemplateName = Exclude<keyof TemplateSet, 'answerFormat'>;

/** Bumped whenever the wording of a default template changes (v2: CoT ends with a fixed "Final answer:" line). */
export const DEFAULT_TEMPLATE_VERSION = 'v2';

const FINAL_LINE = 'Finish with one last line of the form "Answer: <your answer>".';
/**
 * CoT's reasoning is long and revises itself, so its answer line is fixed and last: extraction reads the last
 * labelled line ("Final answer:" is one) and a reply that never gets there casts no vote.
 */
export const COT_FINAL_LINE =
  'After your reasoning, end with exactly one last line of the form "Final answer: <your answer>" and write nothing after it.';

export const DEFAULT_TEMPLATES: Readonly<TemplateSet> = Object.freeze({
  // System 1 sees the input exactly as the distilled model will: no instructions at all.
  system1: '{{question}}',
  cot: `{{question}}\n\nWork through this step by step before you commit to an answer. ${COT_FINAL_LINE} {{answer_format}}`,
  rar1:
    '{{question}}\n\nFirst restate and expand the question above in your own words so that nothing in it is ' +
    `ambiguous, then respond to it. ${FINAL_LINE} {{answer_format}}`,
  rar2Rephrase:
    'Restate the question below in your own words, expanding it so that every detail needed to answer it is ' +
    'explicit. Keep all of the information it contains. Do not answer it; reply with the restated question only.' +
    '\n\nQuestion: {{question}}',
  rar2Answer:
    '{{question}}\n\nHere is a restated, expanded version of the question above:\n{{rephrased}}\n\n' +
    `Use both to respond to the original question. ${FINAL_LINE} {{answer_format}}`,
  s2aRewrite: S2A_REWRITE_TEMPLATE,
  s2aAnswer: S2A_ANSWER_TEMPLATE,
  uscSelect: USC_SELECT_TEMPLATE,
  answerFormat: Object.freeze({
    letters: 'The answer is the letters alone, lower-case, written together with nothing between them.',
    'yes-no': 'The answer is yes or no.',
    number: 'The answer is a single number.',
    text: 'The answer is a short phrase.',
    verdict: 'The answer is [[A]] if response A is better, [[B]] if response B is better, [[C]] for a tie.',
    option: 'The answer is the letter of the correct option, in the form [[X]].',
  }),
  ...DEFAULT_JUDGE_TEMPLATES,
});

export interface TemplateVars {
  question: string;
  answerType: AnswerType;
  rephrased?: string;
}

/** Fills a template. Unknown placeholders are left as they are so a typo is visible in the prompt, not silent. */
export function renderTemplate(template: string, templates: TemplateSet, vars: TemplateVars): string {
  return template.replace(/\{\{(question|rephrased|answer_format)\}\}/g, (_match, name: string) => {
    if (name === 'question') return vars.question;
    if (name === 'rephrased') return vars.rephrased ?? '';
    return templates.answerFormat[vars.answerType];
  });
}
