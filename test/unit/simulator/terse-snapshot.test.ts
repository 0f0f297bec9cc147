import { describe, expect, it } from 'vitest';
import { buildUscPrompt } from '../../../shared/curation/usc-prompt.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { rewrittenInput } from '../../../shared/strategies/s2a.js';
import { renderS2aAnswer } from '../../../shared/strategies/s2a-templates.js';
import { renderSlots } from '../../../shared/strategies/judge-templates.js';
import { DEFAULT_TEMPLATES, renderTemplate } from '../../../shared/strategies/templates.js';
import type { TaskName } from '../../../shared/tasks/task-family.js';
import { judgeItems } from './judge-harness.js';
import { ask, items, options, render } from './sim-harness.js';

/**
 * The `terse` reply style is the simulator's historical writing: these replies were recorded before the free-prose
 * writer existed, and must not change (existing runs, caches and calibration tests rely on them). Unrecognised
 * prompts are left out on purpose: their replies were changed to vary per sample.
 */
const opts = options({ seed: 5 });
const FAMILIES: readonly TaskName[] = ['last-letter', 'coin-flip', 'arithmetic', 'biased-qa'];

function collect(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const params = (i: number) => ({ n: 3, temperature: 0.8, seed: 10 + i });
  for (const family of FAMILIES) {
    for (const [i, item] of items(family, 3, 77, family === 'last-letter' ? 3 : undefined).entries()) {
      const key = `${family}#${i}`;
      out[`${key} direct`] = ask(opts, render('system1', item), params(i));
      out[`${key} direct greedy`] = ask(opts, render('system1', item), { temperature: 0 });
      out[`${key} cot`] = ask(opts, render('cot', item), params(i));
      out[`${key} rar1`] = ask(opts, render('rar1', item), params(i));
      const rephrased = ask(opts, render('rar2Rephrase', item), params(i));
      out[`${key} rar2-rephrase`] = rephrased;
      out[`${key} rar2-answer`] = ask(opts, render('rar2Answer', item, rephrased[0] ?? ''), params(i));
      const rewrite = ask(opts, renderTemplate(DEFAULT_TEMPLATES.s2aRewrite, DEFAULT_TEMPLATES, { question: item.prompt, answerType: item.answerType }), params(i));
      out[`${key} s2a-rewrite`] = rewrite;
      out[`${key} s2a-answer`] = ask(opts, renderS2aAnswer(DEFAULT_TEMPLATES.s2aAnswer, rewrittenInput(rewrite[0] ?? ''), DEFAULT_TEMPLATES.answerFormat, item.answerType), params(i));
      const cot = ask(opts, render('cot', item), { n: 5, temperature: 0.8, seed: 40 + i });
      const candidates = cot.map((text, n) => ({ number: n + 1, sampleIndex: n, text }));
      out[`${key} usc`] = ask(opts, buildUscPrompt(DEFAULT_TEMPLATES.uscSelect, candidates, item.prompt), params(i));
    }
  }
  for (const [i, { instance }] of judgeItems(3, 4).entries()) {
    const { question, responseA, responseB } = instance;
    const slots = { question, response_a: responseA, response_b: responseB };
    out[`judge#${i} direct`] = ask(opts, renderStructuredPrompt({ kind: 'pair', question, responseA, responseB }, DEFAULT_TEMPLATES), { n: 3, temperature: 0.8, seed: i });
    out[`judge#${i} branch`] = ask(opts, renderSlots(DEFAULT_TEMPLATES.bsmBranch, { question, criteria_count: '4' }), { n: 2, temperature: 0.8, seed: i });
    out[`judge#${i} solve`] = ask(opts, renderSlots(DEFAULT_TEMPLATES.bsmSolve, { ...slots, criterion: 'Correctness: is it right' }), { n: 3, temperature: 0.8, seed: i });
    out[`judge#${i} merge`] = ask(opts, renderSlots(DEFAULT_TEMPLATES.bsmMerge, { ...slots, evaluations: 'Score A: 4\nScore B: 2\n\nScore A: 3\nScore B: 3' }), { n: 2, temperature: 0.8, seed: i });
  }
  return out;
}

describe('terse reply style', () => {
  it('writes exactly what the simulator wrote before reply styles existed', async () => {
    await expect(`${JSON.stringify(collect(), null, 1)}\n`).toMatchFileSnapshot('./__snapshots__/terse-replies.json');
  });
});
