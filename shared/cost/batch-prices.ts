import type { ModelPrices } from './model-prices.js';

/**
 * The share of the online price a Batch API request costs when `model.prices` gives no batch price: 0.5, the
 * discount OpenAI (and most providers with a Batch API) charge. Used for each price field left unset.
 */
export const DEFAULT_BATCH_PRICE_RATIO = 0.5;

/**
 * The prices a batch-mode run is costed at, as plain prompt/completion prices: `batchPromptUsdPerMTok` and
 * `batchCompletionUsdPerMTok` when given, else half the online price; cached prompt tokens at half their online price
 * (or the batch prompt price, whichever is lower), since a batch request can be served from a prompt cache too.
 */
export function batchPricesOf(online: ModelPrices): ModelPrices {
  const prompt = online.batchPromptUsdPerMTok ?? online.promptUsdPerMTok * DEFAULT_BATCH_PRICE_RATIO;
  const completion = online.batchCompletionUsdPerMTok ?? online.completionUsdPerMTok * DEFAULT_BATCH_PRICE_RATIO;
  const cached = online.cachedPromptUsdPerMTok === undefined ? undefined : Math.min(prompt, online.cachedPromptUsdPerMTok * DEFAULT_BATCH_PRICE_RATIO);
  return { promptUsdPerMTok: prompt, completionUsdPerMTok: completion, ...(cached === undefined ? {} : { cachedPromptUsdPerMTok: cached }) };
}
