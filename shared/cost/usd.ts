import type { ModelPrices } from './model-prices.js';

/** Tokens as an endpoint reports them; `cachedPromptTokens` is the part of `promptTokens` served from its cache. */
export interface PricedTokens {
  promptTokens: number;
  completionTokens: number;
  /** Part of promptTokens the endpoint reported as cached (0 when it reports none). */
  cachedPromptTokens: number;
}

/**
 * US dollars for these tokens: uncached prompt tokens at `promptUsdPerMTok`, cached ones at `cachedPromptUsdPerMTok`
 * (default the prompt price), completion tokens at `completionUsdPerMTok`, all per million tokens (a batch-mode run
 * passes its batch prices: shared/cost/batch-prices.ts). The same arithmetic as the run store's budget check (Lua).
 */
export function usdOf(tokens: PricedTokens, prices: ModelPrices): number {
  const cached = Math.min(tokens.cachedPromptTokens, tokens.promptTokens);
  const cachedPrice = prices.cachedPromptUsdPerMTok ?? prices.promptUsdPerMTok;
  return ((tokens.promptTokens - cached) * prices.promptUsdPerMTok + cached * cachedPrice + tokens.completionTokens * prices.completionUsdPerMTok) / 1_000_000;
}

/**
 * Rounds dollars to nano-dollars (9 decimals) for the files s2d writes: enough for one token of the cheapest model,
 * and free of float noise such as 0.30000000000000004.
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}

/** `$0.0123` for people: 4 significant digits, at least 2 decimals; `$0` for nothing. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  const magnitude = Math.floor(Math.log10(Math.abs(usd)));
  const decimals = Math.min(12, Math.max(2, 3 - magnitude));
  // Trailing zeros go (0.01230 -> 0.0123) but never below 2 decimals (1.50 stays).
  return `$${usd.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}
