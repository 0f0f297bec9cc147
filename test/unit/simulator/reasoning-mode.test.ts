import { describe, expect, it } from 'vitest';
import { ANSWER_TYPES } from '../../../shared/core-types.js';
import { DEFAULT_TEMPLATES, renderTemplate, type TemplateName } from '../../../shared/strategies/templates.js';
import type { JudgeTemplateSet } from '../../../shared/strategies/judge-templates.js';
import { detectReasoningMode, type ReasoningMode } from '../../../infra/simulator/reasoning-mode.js';

const QUESTIONS = [
  'Take the last letter of each word in "Elon Musk" and join them together.',
  'A coin is heads up. Ann flips the coin. Bob does not flip the coin. Is the coin still heads up?',
  'What is the capital of France?',
  // An asker's doubt is part of the question, not an instruction not to answer it.
  "Who wrote Steppenwolf? I don't think the answer is Hermann Hesse, but I'm not sure.",
  'Who painted Guernica? I do not think the answer is Pablo Picasso, but I am really not sure.',
];

describe('detectReasoningMode on the default templates', () => {
  // The S2A, USC and judge templates have placeholders of their own; their own simulator tests cover them.
  const expected: Record<Exclude<TemplateName, 's2aRewrite' | 's2aAnswer' | 'uscSelect' | keyof JudgeTemplateSet>, ReasoningMode> = {
    system1: 'direct',
    cot: 'cot',
    rar1: 'rar1',
    rar2Rephrase: 'rar2-rephrase',
    rar2Answer: 'rar2-answer',
  };
  for (const [name, mode] of Object.entries(expected) as [Exclude<TemplateName, keyof JudgeTemplateSet>, ReasoningMode][]) {
    it(`${name} -> ${mode}`, () => {
      for (const question of QUESTIONS) {
        for (const answerType of ANSWER_TYPES) {
          const text = renderTemplate(DEFAULT_TEMPLATES[name], DEFAULT_TEMPLATES, {
            question,
            answerType,
            rephrased: 'Restated: we are given the words "Elon" and "Musk" and want their final letters, joined.',
          });
          expect(detectReasoningMode(text)).toBe(mode);
        }
      }
    });
  }
});

describe('detectReasoningMode on other wordings of the same requests', () => {
  it.each<[string, ReasoningMode]>([
    ["Q: Is the coin still heads up?\nA: Let's think step by step.", 'cot'],
    ['Think it through carefully before you answer.', 'cot'],
    ['Explain your reasoning, then give the final answer.', 'cot'],
    ['Walk me through how you get there.', 'cot'],
    ['Reason it out, then reply.', 'cot'],
    ['Solve this step-by-step.', 'cot'],
    ['Rephrase and expand the question, and respond.', 'rar1'],
    ['Reword the question in your own words, then answer it.', 'rar1'],
    ['Paraphrase the question first; then give your answer.', 'rar1'],
    ['Rephrase the following question. Do not answer it.', 'rar2-rephrase'],
    ['Rewrite this question so that it is clearer, without answering it.', 'rar2-rephrase'],
    ['Paraphrase the question below. Reply with the paraphrased question only.', 'rar2-rephrase'],
    ["Restate the question; don't solve it.", 'rar2-rephrase'],
    ['Original question: X\nRephrased question: Y\nAnswer the original question.', 'rar2-answer'],
    ['Here is a reworded version of the question: Y. Now respond.', 'rar2-answer'],
    ['Below is the same question, paraphrased and expanded version included. Respond to it.', 'rar2-answer'],
    ['Is the coin still heads up?', 'direct'],
    ['Answer with yes or no only.', 'direct'],
  ])('%s -> %s', (text, mode) => {
    expect(detectReasoningMode(text)).toBe(mode);
  });
});
