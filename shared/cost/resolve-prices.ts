import { batchPricesOf } from './batch-prices.js';
import type { ModelPrices, PricesUsed } from './model-prices.js';

/** The price fields of a run spec (`model.prices`, and the older `budget.prices`), and whether it runs in batch mode. */
export interface RunPriceFields {
  model: { prices?: ModelPrices | undefined; mode?: 'online' | 'batch' | undefined };
  budget?: { maxTokens?: number | undefined; maxCostUsd?: number | undefined; prices?: { promptUsdPerMTok: number; completionUsdPerMTok: number } | undefined } | undefined;
}

/** The price fields of an eval spec (`model.prices`, and the older `prices` of the cost column). */
export interface EvalPriceFields {
  model: { prices?: ModelPrices | undefined };
  prices?: { inputPer1M: number; outputPer1M: number } | undefined;
}

/**
 * The prices a run is costed at: `model.prices`, else `budget.prices` (the only prices before `model.prices`
 * existed); null when the spec gives none. Both may be given only with equal values (the spec checks it). A
 * `model.mode: batch` run pays every request at the batch price ({@link batchPricesOf}), so its cost, budget and
 * gauges all use that.
 */
export function runPrices(spec: RunPriceFields): PricesUsed | null {
  const online = onlineRunPrices(spec);
  if (online === null || spec.model.mode !== 'batch') return online;
  return { prices: batchPricesOf(online.prices), source: online.source, online: online.prices };
}

/** The synchronous prices of a run's model, whatever its mode (what a batch run's saving is measured against). */
export function onlineRunPrices(spec: RunPriceFields): PricesUsed | null {
  if (spec.model.prices !== undefined) return { prices: spec.model.prices, source: 'model.prices' };
  const legacy = spec.budget?.prices;
  return legacy === undefined ? null : { prices: legacy, source: 'budget.prices' };
}

/**
 * A run's budget as each paid request is checked against it: the spec's limits, priced with {@link runPrices}
 * (so `budget.maxCostUsd` uses `model.prices` when `budget.prices` is absent); undefined without a budget.
 */
export function budgetCheckOf(spec: RunPriceFields): { maxTokens?: number | undefined; maxCostUsd?: number | undefined; prices?: ModelPrices | undefined } | undefined {
  const budget = spec.budget;
  if (budget === undefined) return undefined;
  return { maxTokens: budget.maxTokens, maxCostUsd: budget.maxCostUsd, prices: runPrices(spec)?.prices };
}

/** The prices an eval is costed at: `model.prices`, else its older `prices` field; null when the spec gives none. */
export function evalPrices(spec: EvalPriceFields): PricesUsed | null {
  if (spec.model.prices !== undefined) return { prices: spec.model.prices, source: 'model.prices' };
  const legacy = spec.prices;
  return legacy === undefined ? null : { prices: { promptUsdPerMTok: legacy.inputPer1M, completionUsdPerMTok: legacy.outputPer1M }, source: 'prices' };
}

/** A problem with a spec's price fields, at the field a person fixes. */
export interface PriceProblem {
  path: (string | number)[];
  message: string;
}

type Loose = Record<string, unknown> | undefined;
const objectAt = (value: unknown): Loose => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined);

/**
 * Pairs of an older price field and the `model.prices` field it means; a conflict names both with their values.
 * Reads the submitted value loosely: it runs even when other fields of the spec are invalid, so every problem is
 * listed at once.
 */
function conflicts(model: Loose, legacy: Loose, legacyPath: string[], pairs: readonly [string, string][]): PriceProblem[] {
  if (model === undefined || legacy === undefined) return [];
  const problems: PriceProblem[] = [];
  for (const [legacyField, modelField] of pairs) {
    const given = legacy[legacyField];
    const own = model[modelField];
    if (typeof given === 'number' && typeof own === 'number' && given !== own) {
      problems.push({
        path: [...legacyPath, legacyField],
        message: `is ${given} but model.prices.${modelField} is ${own}: give each price once, in model.prices (remove ${legacyPath.join('.')})`,
      });
    }
  }
  return problems;
}

/**
 * Run spec checks across fields: `budget.maxCostUsd` needs prices (`model.prices` or `budget.prices`), and
 * `budget.prices` must not contradict `model.prices`.
 */
export function runPriceProblems(spec: unknown): PriceProblem[] {
  const root = objectAt(spec);
  const model = objectAt(objectAt(root?.model)?.prices);
  const budget = objectAt(root?.budget);
  const legacy = objectAt(budget?.prices);
  const problems = conflicts(model, legacy, ['budget', 'prices'], [['promptUsdPerMTok', 'promptUsdPerMTok'], ['completionUsdPerMTok', 'completionUsdPerMTok']]);
  if (budget?.maxCostUsd !== undefined && model === undefined && legacy === undefined) {
    problems.push({ path: ['budget', 'prices'], message: 'maxCostUsd needs prices: set model.prices { promptUsdPerMTok, completionUsdPerMTok } (or budget.prices)' });
  }
  return problems;
}

/** Eval spec check across fields: its older `prices` must not contradict `model.prices`. */
export function evalPriceProblems(spec: unknown): PriceProblem[] {
  const root = objectAt(spec);
  return conflicts(objectAt(objectAt(root?.model)?.prices), objectAt(root?.prices), ['prices'], [['inputPer1M', 'promptUsdPerMTok'], ['outputPer1M', 'completionUsdPerMTok']]);
}
