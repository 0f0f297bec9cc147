import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { budgetCheckOf, evalPrices, runPrices } from '../../../shared/cost/resolve-prices.js';
import { evalSpecSchema } from '../../../shared/eval/eval-spec.js';

const run = { input: 'in.jsonl', answerType: 'letters', model: { name: 'm' } } as const;
const evalBase = { input: 'in.jsonl', answerType: 'number', model: { name: 'm' } } as const;
const problems = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] =>
  result.error?.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`) ?? [];

describe('prices in run and eval specs', () => {
  it('accepts model.prices with the optional cached and batch prices, and refuses unknown or negative fields', () => {
    const prices = { promptUsdPerMTok: 3, completionUsdPerMTok: 15, cachedPromptUsdPerMTok: 0.3, batchPromptUsdPerMTok: 1.5, batchCompletionUsdPerMTok: 7.5 };
    const spec = runSpecSchema.parse({ ...run, model: { name: 'm', prices } });
    expect(spec.model.prices).toEqual(prices);
    expect(runPrices(spec)).toEqual({ prices, source: 'model.prices' });
    expect(problems(runSpecSchema.safeParse({ ...run, model: { name: 'm', prices: { promptUsdPerMTok: 3 } } }))).toEqual([
      'model.prices.completionUsdPerMTok: Invalid input: expected number, received undefined',
    ]);
    expect(runSpecSchema.safeParse({ ...run, model: { name: 'm', prices: { ...prices, inputPer1M: 1 } } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...run, model: { name: 'm', prices: { ...prices, promptUsdPerMTok: -1 } } }).success).toBe(false);
  });

  it('keeps old specs valid: budget.prices alone still prices the run and its budget', () => {
    const spec = runSpecSchema.parse({ ...run, budget: { maxCostUsd: 5, prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 } } });
    expect(runPrices(spec)).toEqual({ prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 }, source: 'budget.prices' });
    expect(runPrices(runSpecSchema.parse(run))).toBeNull();
    expect(budgetCheckOf(runSpecSchema.parse(run))).toBeUndefined();
  });

  it('lets budget.maxCostUsd use model.prices, and says where prices go when there are none', () => {
    const spec = runSpecSchema.parse({ ...run, model: { name: 'm', prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2, cachedPromptUsdPerMTok: 0.5 } }, budget: { maxCostUsd: 5 } });
    expect(budgetCheckOf(spec)).toEqual({ maxTokens: undefined, maxCostUsd: 5, prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2, cachedPromptUsdPerMTok: 0.5 } });
    expect(problems(runSpecSchema.safeParse({ ...run, budget: { maxCostUsd: 5 } }))).toEqual([
      'budget.prices: maxCostUsd needs prices: set model.prices { promptUsdPerMTok, completionUsdPerMTok } (or budget.prices)',
    ]);
  });

  it('refuses conflicting prices with the field named, accepts equal ones, and reports them beside other problems', () => {
    const model = { name: 'm', prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 } };
    expect(runSpecSchema.safeParse({ ...run, model, budget: { maxCostUsd: 5, prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 } } }).success).toBe(true);
    expect(problems(runSpecSchema.safeParse({ ...run, model, budget: { maxCostUsd: 5, prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 3 } } }))).toEqual([
      'budget.prices.completionUsdPerMTok: is 3 but model.prices.completionUsdPerMTok is 2: give each price once, in model.prices (remove budget.prices)',
    ]);
    const both = problems(runSpecSchema.safeParse({ ...run, sampling: { samples: 0 }, model, budget: { maxTokens: 9, prices: { promptUsdPerMTok: 9, completionUsdPerMTok: 2 } } }));
    expect(both).toHaveLength(2);
    expect(both[1]).toMatch(/^budget\.prices\.promptUsdPerMTok: is 9 but model\.prices\.promptUsdPerMTok is 1/);
  });

  it('gives evals model.prices too, with their older prices field as the fallback and conflicts refused', () => {
    const spec = evalSpecSchema.parse({ ...evalBase, model: { name: 'm', prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 4 } } });
    expect(evalPrices(spec)).toEqual({ prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 4 }, source: 'model.prices' });
    expect(evalPrices(evalSpecSchema.parse({ ...evalBase, prices: { inputPer1M: 2, outputPer1M: 3 } }))).toEqual({
      prices: { promptUsdPerMTok: 2, completionUsdPerMTok: 3 },
      source: 'prices',
    });
    expect(problems(evalSpecSchema.safeParse({ ...evalBase, model: { name: 'm', prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 4 } }, prices: { inputPer1M: 1, outputPer1M: 5 } }))).toEqual([
      'prices.outputPer1M: is 5 but model.prices.completionUsdPerMTok is 4: give each price once, in model.prices (remove prices)',
    ]);
  });
});
