import type { PaidCounters } from '../../shared/cost/cost-summary.js';
import type { ModelPrices } from '../../shared/cost/model-prices.js';
import { formatUsd, roundUsd, usdOf } from '../../shared/cost/usd.js';

/**
 * EXAMPLE prices the demo puts on the simulated model, USD per million tokens: about what hosted
 * Llama-2-70B-chat-class endpoints have charged per token, in and out. An illustration of how cost per accepted
 * example is read — not a quote, and not a bill: the simulator costs nothing. Used only when the demo's model is the
 * s2d simulator; with a real endpoint the demo shows tokens and says no prices were given.
 */
export const DEMO_EXAMPLE_PRICES: Readonly<ModelPrices> = Object.freeze({ promptUsdPerMTok: 0.9, completionUsdPerMTok: 0.9 });

/** The words every demo price is printed with. */
export const EXAMPLE_PRICES_LABEL = 'example prices (simulated model; not a real bill)';

/** What a demo run paid (`cost` of `s2d demo --json`), from the run store's counters (the manifest's `cost.paid`). */
export interface DemoCost {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  accepted: number;
  /** Per accepted example; null when nothing was accepted. */
  perAcceptedExample: { requests: number; tokens: number; usd: number | null } | null;
  /** Total at `prices`; null without prices. */
  usd: number | null;
  /** The example prices used (simulated model only), else null: no prices given. */
  prices: ModelPrices | null;
  /** `example prices (simulated model; not a real bill)` with example prices; null without. */
  pricesLabel: string | null;
}

/** The demo's cost of a run: example prices on the simulator, none on a real endpoint. Pure. */
export function demoCost(paid: PaidCounters, accepted: number, simulated: boolean): DemoCost {
  const prices = simulated ? { ...DEMO_EXAMPLE_PRICES } : null;
  const usd = prices === null ? null : usdOf(paid, prices);
  const totalTokens = paid.promptTokens + paid.completionTokens;
  const round1 = (value: number): number => Math.round(value * 10) / 10;
  return {
    requests: paid.requests,
    promptTokens: paid.promptTokens,
    completionTokens: paid.completionTokens,
    totalTokens,
    accepted,
    perAcceptedExample:
      accepted === 0 ? null : { requests: round1(paid.requests / accepted), tokens: round1(totalTokens / accepted), usd: usd === null ? null : roundUsd(usd / accepted) },
    usd: usd === null ? null : roundUsd(usd),
    prices,
    pricesLabel: prices === null ? null : EXAMPLE_PRICES_LABEL,
  };
}

/** The demo's cost lines: per accepted example first (the unit a dataset is bought in), then the totals. */
export function formatDemoCost(cost: DemoCost): string[] {
  const per = cost.perAcceptedExample;
  const perLine =
    per === null
      ? 'per accepted example: none accepted'
      : `per accepted example: ${per.requests.toFixed(1)} requests, ${per.tokens.toFixed(1)} tokens`;
  const total = `paid ${cost.requests} LLM requests, ${cost.totalTokens} tokens (prompt ${cost.promptTokens}, completion ${cost.completionTokens})`;
  if (cost.prices === null || cost.usd === null) return [`cost     ${perLine}; ${total}; no prices given (tokens only)`];
  const prices = `$${cost.prices.promptUsdPerMTok}/$${cost.prices.completionUsdPerMTok} per M prompt/completion tokens`;
  return [
    `cost     ${perLine}; ${total}`,
    `cost at ${cost.pricesLabel ?? EXAMPLE_PRICES_LABEL}: ${per?.usd == null ? '–' : formatUsd(per.usd)} per accepted example, ${formatUsd(cost.usd)} in all (${prices})`,
  ];
}
