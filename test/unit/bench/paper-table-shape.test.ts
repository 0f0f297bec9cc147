import { describe, expect, it } from 'vitest';
import { checkPaperShape, renderPaperTable, type PaperRow } from '../../../bench/paper-table-shape.js';
import type { EvalResult } from '../../../shared/eval/eval-result.js';

/** Only the fields the table reads; the rest of an EvalResult does not matter here. */
function result(accuracy: number, tokensPerItem: number, flip?: number): EvalResult {
  const metrics = { accuracy, tokensPerItem, ...(flip === undefined ? {} : { inconsistency: { items: 100, inconsistent: flip * 100, rate: flip } }) };
  return { evalId: 'e', metrics } as unknown as EvalResult; // a partial result: the checks read metrics only
}

function row(task: string, s1: number, s2: number, curated: number, flips?: [number, number]): PaperRow {
  return {
    task,
    system2Name: 'm',
    curationName: 'vote',
    system1: result(s1, 3, flips?.[0]),
    system2: result(s2, 200, flips?.[1]),
    distilled: result(s1, 3),
    curated: { accepted: 50, correct: Math.round(curated * 50), accuracy: curated, byTask: {}, byVariant: {}, inputs: 100 },
  };
}

describe('paper table shape checks', () => {
  it('pass when System 2 beats System 1, BSM flips far less and curation beats System 2', () => {
    const checks = checkPaperShape([row('last-letter', 0.3, 0.45, 0.9), row('pairwise-judge', 0.3, 0.6, 0.75, [0.8, 0.38]), row('arithmetic', 0.07, 0.5, 0.9)]);
    expect(checks.every((c) => c.pass)).toBe(true);
    expect(checks.map((c) => c.criterion)).toContain('pairwise-judge: BSM swap-inconsistency far below System 1 (25+ points lower)');
  });

  it('fail on each broken criterion, naming the numbers', () => {
    const checks = checkPaperShape([row('coin-flip', 0.6, 0.55, 0.5), row('pairwise-judge', 0.3, 0.6, 0.55, [0.8, 0.6])]);
    const failed = checks.filter((c) => !c.pass).map((c) => c.criterion);
    expect(failed).toEqual([
      'coin-flip: System 2 (m) above System 1',
      'pairwise-judge: BSM swap-inconsistency far below System 1 (25+ points lower)',
      'coin-flip: curated labels (vote) above System 2 (m)',
      'pairwise-judge: curated labels (vote) above System 2 (m)',
    ]);
    expect(checks.find((c) => c.criterion.startsWith('coin-flip: System 2'))?.detail).toBe('55.0% vs 60.0%');
  });

  it('renders one row per task with flips for the judge and a simulator note', () => {
    const table = renderPaperTable([row('pairwise-judge', 0.3, 0.6, 0.75, [0.8, 0.38])]);
    expect(table).toContain('| pairwise-judge | 30.0%, 80.0% flip (3 tok) | m: 60.0%, 38.0% flip (200 tok) | 75.0% (vote, 50.0% kept) |');
    expect(table).toContain('simulator');
    expect(table).toContain('Reply style: mixed');
    expect(renderPaperTable([row('pairwise-judge', 0.3, 0.6, 0.75, [0.8, 0.38])], 'terse')).toContain('Reply style: terse (labelled "Answer:" lines)');
  });
});
