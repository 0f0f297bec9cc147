import type { ModelPrices } from '../cost/model-prices.js';
import { roundUsd, usdOf } from '../cost/usd.js';

/**
 * What a group of eval items cost (`metrics.spend` of an eval result): the tokens their calls used as the endpoint
 * reported them, every intermediate call and perturbation variant included, and US dollars when prices were given;
 * per item and per correct answer — what one right answer of this method costs.
 */
export interface EvalSpend {
  promptTokens: number;
  completionTokens: number;
  /** Part of promptTokens the endpoint reported as cached (0 when it reports none). */
  cachedPromptTokens: number;
  /** promptTokens + completionTokens. */
  totalTokens: number;
  /** null when no prices were given. */
  usd: number | null;
  perItem: { tokens: number; usd: number | null };
  /** null when no item was answered correctly. */
  perCorrect: { tokens: number; usd: number | null } | null;
}

/** Tokens of one eval item record. */
export interface ItemTokens {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number | undefined;
}

/** Spend of `records`, of which `correct` were right, priced at `prices` (none: tokens only). Pure. */
export function evalSpend(records: readonly ItemTokens[], correct: number, prices: ModelPrices | undefined): EvalSpend {
  const sum = (pick: (record: ItemTokens) => number): number => records.reduce((total, record) => total + pick(record), 0);
  const tokens = {
    promptTokens: sum((r) => r.promptTokens),
    completionTokens: sum((r) => r.completionTokens),
    cachedPromptTokens: sum((r) => r.cachedPromptTokens ?? 0),
  };
  const totalTokens = tokens.promptTokens + tokens.completionTokens;
  const usd = prices === undefined ? null : usdOf(tokens, prices);
  const per = (units: number): { tokens: number; usd: number | null } => ({
    tokens: Math.round((totalTokens / units) * 1e4) / 1e4,
    usd: usd === null ? null : roundUsd(usd / units),
  });
  return {
    ...tokens,
    totalTokens,
    usd: usd === null ? null : roundUsd(usd),
    perItem: records.length === 0 ? { tokens: 0, usd: usd === null ? null : 0 } : per(records.length),
    perCorrect: correct === 0 ? null : per(correct),
  };
}
