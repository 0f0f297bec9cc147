import { describe, expect, it } from 'vitest';
import { addUsage } from '../../../shared/core-types.js';
import { costSummary, costSummarySchema } from '../../../shared/cost/cost-summary.js';
import { formatCostLines } from '../../../shared/cost/format-cost.js';
import { SampleSavingTally } from '../../../shared/cost/sample-saving.js';
import { formatUsd, roundUsd, usdOf } from '../../../shared/cost/usd.js';
import { splitUsage } from '../../../shared/llm/split-usage.js';

const PRICES = { promptUsdPerMTok: 0.5, completionUsdPerMTok: 1.5 };

describe('cost arithmetic', () => {
  it('prices prompt and completion tokens per million, cached prompt tokens at their own price (default: the prompt price)', () => {
    // Hand-computed: 1,000,000 prompt at $0.5 + 200,000 completion at $1.5 = 0.5 + 0.3.
    expect(usdOf({ promptTokens: 1_000_000, completionTokens: 200_000, cachedPromptTokens: 0 }, PRICES)).toBeCloseTo(0.8, 12);
    // 400,000 of the prompt cached at $0.125: 600,000 × 0.5 + 400,000 × 0.125 + 200,000 × 1.5 = 0.3 + 0.05 + 0.3.
    expect(usdOf({ promptTokens: 1_000_000, completionTokens: 200_000, cachedPromptTokens: 400_000 }, { ...PRICES, cachedPromptUsdPerMTok: 0.125 })).toBeCloseTo(0.65, 12);
    // Without a cached price, cached tokens cost what other prompt tokens cost.
    expect(usdOf({ promptTokens: 1_000_000, completionTokens: 200_000, cachedPromptTokens: 400_000 }, PRICES)).toBeCloseTo(0.8, 12);
    // Batch prices are recorded only: a synchronous request is never priced with them.
    expect(usdOf({ promptTokens: 1_000_000, completionTokens: 0, cachedPromptTokens: 0 }, { ...PRICES, batchPromptUsdPerMTok: 0.01, batchCompletionUsdPerMTok: 0.02 })).toBeCloseTo(0.5, 12);
    // A count of cached tokens above the prompt is capped at the prompt.
    expect(usdOf({ promptTokens: 100, completionTokens: 0, cachedPromptTokens: 500 }, { ...PRICES, cachedPromptUsdPerMTok: 0 })).toBe(0);
  });

  it('rounds to nano-dollars and prints dollars for people', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    expect(roundUsd(1.23456789012)).toBe(1.23456789);
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.0123456)).toBe('$0.01235');
    expect(formatUsd(1.5)).toBe('$1.50');
    expect(formatUsd(0.000004)).toBe('$0.000004');
    expect(formatUsd(1234.5678)).toBe('$1234.57');
  });

  it('summarises paid counters: totals, per item and per accepted example, USD only with prices', () => {
    const paid = { requests: 30, promptTokens: 12_000, completionTokens: 3_000, cachedPromptTokens: 2_000 };
    const summary = costSummary(paid, { items: 10, accepted: 4 }, { prices: { ...PRICES, cachedPromptUsdPerMTok: 0.25 }, source: 'model.prices' });
    // 10,000 × 0.5 + 2,000 × 0.25 + 3,000 × 1.5 = 5,000 + 500 + 4,500 = 10,000 micro-dollars.
    expect(summary.paid).toEqual({ requests: 30, promptTokens: 12_000, completionTokens: 3_000, cachedPromptTokens: 2_000, totalTokens: 15_000, usd: 0.01 });
    expect(summary.prices).toEqual({ ...PRICES, cachedPromptUsdPerMTok: 0.25, source: 'model.prices' });
    expect(summary.perItem).toEqual({ requests: 3, tokens: 1_500, usd: 0.001 });
    expect(summary.perAcceptedExample).toEqual({ requests: 7.5, tokens: 3_750, usd: 0.0025 });
    expect(costSummarySchema.parse(summary)).toEqual(summary);

    const unpriced = costSummary(paid, { items: 0, accepted: 0 }, null);
    expect(unpriced).toMatchObject({ prices: null, paid: { usd: null, totalTokens: 15_000 }, perItem: null, perAcceptedExample: null });
    expect(formatCostLines(unpriced)[0]).toContain('no prices given (set model.prices in the spec for US dollars)');
    expect(formatCostLines(summary).join('\n')).toBe(
      'paid 30 requests, 15000 tokens (prompt 12000 (2000 cached), completion 3000); $0.01 at $0.5/$1.5 per M prompt/completion tokens, cached prompt $0.25 (model.prices)\n' +
        'per item 3 requests, 1500 tokens, $0.001; per accepted example 7.5 requests, 3750 tokens, $0.0025',
    );
  });

  it('refuses a summary whose totals do not add up, or with dollars but no prices', () => {
    const summary = costSummary({ requests: 1, promptTokens: 10, completionTokens: 5, cachedPromptTokens: 0 }, { items: 1, accepted: 1 }, null);
    const issues = (value: unknown): string[] => costSummarySchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ ...summary, paid: { ...summary.paid, totalTokens: 16 } })).toEqual(['paid.totalTokens: is 16 but promptTokens + completionTokens = 15']);
    expect(issues({ ...summary, paid: { ...summary.paid, usd: 1 } })).toEqual(['paid.usd: is given exactly when prices are']);
    expect(issues({ ...summary, paid: { ...summary.paid, cachedPromptTokens: 11 } })).toEqual(['paid.cachedPromptTokens: is 11, more than promptTokens 10']);
  });

  it('tallies sample chains drawn against the fixed budget, per input run, leaving out items that ran nothing', () => {
    const tally = new SampleSavingTally(8);
    tally.add({ samples: 8 }); // fixed budget spent
    tally.add({ samples: 3 }); // stopped after 3
    tally.add({ samples: 0 }); // input reject: ran nothing
    tally.add({ samples: 10, variants: [{}, {}] }); // original + one swap variant: at most 16
    expect(tally.result()).toEqual({ items: 3, drawn: 21, max: 32, savedFraction: 0.34375 });
    expect(new SampleSavingTally(8).result()).toEqual({ items: 0, drawn: 0, max: 0, savedFraction: 0 });
  });

  it('carries cached prompt tokens through usage sums and n-choice splits, charged with the prompt', () => {
    expect(addUsage({ promptTokens: 1, completionTokens: 2 }, { promptTokens: 3, completionTokens: 4 })).toEqual({ promptTokens: 4, completionTokens: 6 });
    expect(addUsage({ promptTokens: 10, completionTokens: 2, cachedPromptTokens: 6 }, { promptTokens: 3, completionTokens: 4 })).toEqual({ promptTokens: 13, completionTokens: 6, cachedPromptTokens: 6 });
    const shares = splitUsage({ promptTokens: 100, completionTokens: 30, cachedPromptTokens: 64 }, ['aa', 'a']);
    expect(shares).toEqual([{ promptTokens: 100, completionTokens: 20, cachedPromptTokens: 64 }, { promptTokens: 0, completionTokens: 10, cachedPromptTokens: 0 }]);
  });
});
