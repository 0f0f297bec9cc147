import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { batchOptionsOf } from '../../../shared/config/batch-options.js';
import { costSummary } from '../../../shared/cost/cost-summary.js';
import { budgetCheckOf, runPrices } from '../../../shared/cost/resolve-prices.js';

const run = { input: 'in.jsonl', answerType: 'letters' } as const;
const online = { promptUsdPerMTok: 3, completionUsdPerMTok: 15, cachedPromptUsdPerMTok: 0.3 };

describe('model.mode: batch in the run spec and its prices', () => {
  it('defaults to online with no batch options, and refuses an unknown mode or batch option', () => {
    const spec = runSpecSchema.parse({ ...run, model: { name: 'm' } });
    expect(spec.model.mode).toBe('online');
    expect(spec.model.batch).toBeUndefined();
    expect(batchOptionsOf(spec.model)).toEqual({ maxRequestsPerBatch: 50_000, maxBatchBytes: 190_000_000, pollMs: 30_000, maxTries: 3 });
    expect(runSpecSchema.safeParse({ ...run, model: { name: 'm', mode: 'async' } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...run, model: { name: 'm', mode: 'batch', batch: { pollMS: 10 } } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...run, model: { name: 'm', mode: 'batch', batch: { maxTries: 0 } } }).success).toBe(false);
  });

  it('prices a batch run at half the online prices when no batch price is given, and at the given ones otherwise', () => {
    const half = runPrices(runSpecSchema.parse({ ...run, model: { name: 'm', mode: 'batch', prices: online } }));
    expect(half).toEqual({ prices: { promptUsdPerMTok: 1.5, completionUsdPerMTok: 7.5, cachedPromptUsdPerMTok: 0.15 }, source: 'model.prices', online });
    const given = runPrices(runSpecSchema.parse({ ...run, model: { name: 'm', mode: 'batch', prices: { ...online, batchPromptUsdPerMTok: 1, batchCompletionUsdPerMTok: 5 } } }));
    expect(given?.prices).toEqual({ promptUsdPerMTok: 1, completionUsdPerMTok: 5, cachedPromptUsdPerMTok: 0.15 });
    // The same fields on an online run change nothing.
    expect(runPrices(runSpecSchema.parse({ ...run, model: { name: 'm', prices: online } }))?.prices).toEqual(online);
  });

  it('checks the budget at the batch price and reports the saving against online', () => {
    const spec = runSpecSchema.parse({ ...run, model: { name: 'm', mode: 'batch', prices: { promptUsdPerMTok: 2, completionUsdPerMTok: 4 } }, budget: { maxCostUsd: 1 } });
    expect(budgetCheckOf(spec)?.prices).toEqual({ promptUsdPerMTok: 1, completionUsdPerMTok: 2 });
    const cost = costSummary({ requests: 1, promptTokens: 1_000_000, completionTokens: 1_000_000, cachedPromptTokens: 0 }, { items: 1, accepted: 1 }, runPrices(spec));
    expect(cost.paid.usd).toBe(3);
    expect(cost.batchSaving).toEqual({ onlineUsd: 6, savingUsd: 3 });
    expect(cost.prices).toEqual({ promptUsdPerMTok: 1, completionUsdPerMTok: 2, source: 'model.prices' });
  });
});
