import { describe, expect, it } from 'vitest';
import { renderPaperCost, type PaperCostRow } from '../../../bench/paper-cost.js';
import { costSummary } from '../../../shared/cost/cost-summary.js';
import type { EvalResult } from '../../../shared/eval/eval-result.js';
import { evalSpend } from '../../../shared/eval/eval-spend.js';

const PRICES = { promptUsdPerMTok: 1, completionUsdPerMTok: 3 };

/** A result with only the metrics the cost section reads: `items` records of the given tokens, `correct` right. */
function result(items: number, correct: number, promptTokens: number, completionTokens: number, priced: boolean): EvalResult {
  const spend = evalSpend(Array.from({ length: items }, () => ({ promptTokens, completionTokens })), correct, priced ? PRICES : undefined);
  return { evalId: 'e', metrics: { items, correct, spend } } as unknown as EvalResult; // a partial result: the section reads metrics.spend only
}

describe('paper table cost section', () => {
  it('shows tokens and USD per item and per correct answer per method, and per accepted example for curation', () => {
    const curatedCost = costSummary({ requests: 400, promptTokens: 60_000, completionTokens: 40_000, cachedPromptTokens: 0 }, { items: 100, accepted: 80 }, { prices: PRICES, source: 'model.prices' });
    const row: PaperCostRow = { task: 'last-letter', system2Name: 'rar2', system1: result(100, 30, 40, 5, true), system2: result(100, 45, 300, 200, true), distilled: result(100, 98, 40, 5, true), curatedCost };
    const md = renderPaperCost([row], 'Dollars at PAPER_PRICES.');
    // System 2: 500 tokens an item, 100 × 500 / 45 ≈ 1111 per correct; (300 × 1 + 200 × 3) / 1e6 = $0.0009 an item, $0.002 per correct.
    expect(md).toContain('| last-letter | 45 · 150 · $0.000055 · $0.0001833 | rar2: 500 · 1111 · $0.0009 · $0.002 | 45 · 46 · $0.000055 · $0.00005612 | 5.0 req · 1250 tok · $0.00225 |');
    expect(md).toContain('USD per item · USD per correct answer');
    expect(md).toContain('Dollars at PAPER_PRICES.');
  });

  it('shows tokens only, and says so, without prices', () => {
    const curatedCost = costSummary({ requests: 10, promptTokens: 600, completionTokens: 400, cachedPromptTokens: 0 }, { items: 10, accepted: 5 }, null);
    const row: PaperCostRow = { task: 'coin-flip', system2Name: 'rar2', system1: result(10, 0, 40, 5, false), system2: result(10, 5, 300, 200, false), distilled: result(10, 5, 40, 5, false), curatedCost };
    const md = renderPaperCost([row], 'No prices given: tokens only.');
    expect(md).toContain('| coin-flip | 45 · – | rar2: 500 · 1000 | 45 · 90 | 2.0 req · 200 tok |');
    expect(md).not.toContain('USD per item');
  });
});
