import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { parseCriteria, parsePairScores } from '../../../shared/strategies/bsm-parse.js';
import { renderSlots } from '../../../shared/strategies/judge-templates.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import { detectJudgeRequest } from '../../../infra/simulator/judge-mode.js';
import { judgeItems, judgeSpec, measureJudge } from './judge-harness.js';
import { ask, options } from './sim-harness.js';

const opts = options({ seed: 7 });
const items = judgeItems(400, 9);
const pairPrompt = (item: (typeof items)[number], swapped = false): string => {
  const { question, responseA, responseB } = item.instance;
  return renderStructuredPrompt({ kind: 'pair', question, responseA: swapped ? responseB : responseA, responseB: swapped ? responseA : responseB }, DEFAULT_TEMPLATES);
};

describe('simulator: pairwise judging', () => {
  it('recognises each judging call from its wording', () => {
    const item = items[0];
    if (item === undefined) throw new Error('no item');
    const { question, responseA, responseB } = item.instance;
    const slots = { question, response_a: responseA, response_b: responseB };
    expect(detectJudgeRequest(pairPrompt(item))?.mode).toBe('judge-direct');
    expect(detectJudgeRequest(renderSlots(DEFAULT_TEMPLATES.bsmBranch, { question, criteria_count: '5' }))?.mode).toBe('bsm-branch');
    expect(detectJudgeRequest(renderSlots(DEFAULT_TEMPLATES.bsmSolve, { ...slots, criterion: 'Correctness' }))?.mode).toBe('bsm-solve');
    expect(detectJudgeRequest(renderSlots(DEFAULT_TEMPLATES.bsmMerge, { ...slots, evaluations: 'Score A: 4\nScore B: 2' }))?.mode).toBe('bsm-merge');
    expect(detectJudgeRequest('What is the capital of France?')).toBeNull();
  });

  it('System 1 judge: strongly position-biased, so most verdicts pick the first response whatever it says', () => {
    const firstShare = (swapped: boolean): number =>
      items.filter((item) => {
        const verdict = extractAnswer(ask(opts, pairPrompt(item, swapped), { temperature: 0 })[0] ?? '', 'verdict');
        return verdict.ok && verdict.answer === 'A';
      }).length / items.length;
    // Whichever response comes first, about half of all verdicts name position A: the content barely matters.
    expect(firstShare(false)).toBeGreaterThan(0.45);
    expect(firstShare(true)).toBeGreaterThan(0.45);
  });

  it('BSM branch lists up to the asked number of criteria from the question alone', () => {
    for (const item of items.slice(0, 40)) {
      const reply = ask(opts, renderSlots(DEFAULT_TEMPLATES.bsmBranch, { question: item.instance.question, criteria_count: '4' }), { temperature: 0 })[0] ?? '';
      const criteria = parseCriteria(reply, 10);
      expect(criteria.length).toBeGreaterThanOrEqual(1);
      expect(criteria.length).toBeLessThanOrEqual(4);
    }
  });

  it('BSM solve scores both responses 1-5 and mostly favours the better one', () => {
    let favoured = 0;
    let scored = 0;
    for (const item of items) {
      const { question, responseA, responseB } = item.instance;
      const reply = ask(opts, renderSlots(DEFAULT_TEMPLATES.bsmSolve, { question, response_a: responseA, response_b: responseB, criterion: 'Correctness: is it right' }), { temperature: 0 })[0] ?? '';
      const scores = parsePairScores(reply);
      expect(scores).not.toBeNull();
      if (scores === null || scores.a === scores.b) continue;
      scored++;
      if ((scores.a > scores.b ? 'A' : 'B') === item.gold) favoured++;
    }
    expect(favoured / scored).toBeGreaterThan(0.55);
  });

  it('calibration: System 1 ~28% agreement with ~80% flips; BSM ~64.5% agreement, far fewer flips; swap-consistent BSM targets agree more', async () => {
    const spec = { sampling: { samples: 1, temperature: 0 }, perturbations: { kinds: ['swap-ab' as const] } };
    const system1 = await measureJudge(opts, judgeSpec({ strategy: 'system1', ...spec }), items);
    const bsm = await measureJudge(opts, judgeSpec({ strategy: 'bsm', ...spec }), items);
    console.log(`judge calibration: system1 agreement ${system1.perOrderAgreement.toFixed(3)}, flipped ${system1.flipped.toFixed(3)}, tokens/item ${system1.tokensPerItem.toFixed(1)}; ` +
      `bsm agreement ${bsm.perOrderAgreement.toFixed(3)}, flipped ${bsm.flipped.toFixed(3)}, curated ${bsm.curatedAgreement.toFixed(3)} of ${bsm.accepted}, tokens/item ${bsm.tokensPerItem.toFixed(1)}`);
    expect(Math.abs(system1.perOrderAgreement - 0.281)).toBeLessThan(0.06);
    expect(Math.abs(system1.flipped - 0.809)).toBeLessThan(0.07);
    expect(Math.abs(bsm.perOrderAgreement - 0.645)).toBeLessThan(0.06);
    expect(bsm.flipped).toBeLessThan(system1.flipped / 1.5);
    expect(bsm.curatedAgreement).toBeGreaterThan(bsm.perOrderAgreement + 0.05);
    expect(bsm.tokensPerItem).toBeGreaterThan(20 * system1.tokensPerItem);
  });
});
