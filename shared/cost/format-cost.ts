import type { CostPer, CostSummary } from './cost-summary.js';
import { formatUsd } from './usd.js';

const amount = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

function describePer(per: CostPer): string {
  return `${amount(per.requests)} requests, ${amount(per.tokens)} tokens${per.usd === null ? '' : `, ${formatUsd(per.usd)}`}`;
}

/**
 * A cost summary in lines a person reads (`s2d status`, the demo): paid totals, then per item and per accepted
 * example. Without prices it shows tokens and says no prices were given — it never makes a price up.
 *
 * @param itemWord what an item is here ("item", "finished item").
 */
export function formatCostLines(cost: CostSummary, itemWord = 'item'): string[] {
  const paid = cost.paid;
  const cached = paid.cachedPromptTokens > 0 ? ` (${paid.cachedPromptTokens} cached)` : '';
  const usd = paid.usd === null ? 'no prices given (set model.prices in the spec for US dollars)' : `${formatUsd(paid.usd)} at ${priceWords(cost)}`;
  const lines = [`paid ${paid.requests} requests, ${paid.totalTokens} tokens (prompt ${paid.promptTokens}${cached}, completion ${paid.completionTokens}); ${usd}`];
  const per: string[] = [];
  if (cost.perItem !== null) per.push(`per ${itemWord} ${describePer(cost.perItem)}`);
  if (cost.perAcceptedExample !== null) per.push(`per accepted example ${describePer(cost.perAcceptedExample)}`);
  if (per.length > 0) lines.push(per.join('; '));
  if (cost.batchSaving !== undefined) {
    lines.push(`batch prices: ${formatUsd(cost.batchSaving.savingUsd)} saved against ${formatUsd(cost.batchSaving.onlineUsd)} at online prices`);
  }
  return lines;
}

/** `$0.5/$1.5 per M prompt/completion tokens (model.prices)`, cached price included when set. */
export function priceWords(cost: Pick<CostSummary, 'prices'>): string {
  const p = cost.prices;
  if (p === null) return 'no prices';
  const cached = p.cachedPromptUsdPerMTok === undefined ? '' : `, cached prompt $${p.cachedPromptUsdPerMTok}`;
  return `$${p.promptUsdPerMTok}/$${p.completionUsdPerMTok} per M prompt/completion tokens${cached} (${p.source})`;
}
