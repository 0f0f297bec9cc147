import { z } from 'zod';

/** A price in US dollars per million tokens (USD/MTok), the unit providers quote. */
const usdPerMTok = z.number().min(0).max(1_000_000);

/**
 * What one model's tokens cost, in US dollars per million tokens (`model.prices` in run and eval specs). Tokens are
 * counted as the endpoint reports them (`usage` of every response), so an endpoint's own tokenizer decides.
 *
 * Absent: s2d reports tokens but no dollars, and says no prices were given.
 */
export const modelPricesSchema = z
  .object({
    /** USD per million prompt (input) tokens — cached ones too, unless `cachedPromptUsdPerMTok` is set. Required. */
    promptUsdPerMTok: usdPerMTok,
    /** USD per million completion (output, generated) tokens. Required. */
    completionUsdPerMTok: usdPerMTok,
    /**
     * USD per million prompt tokens the endpoint served from its prompt cache, as it reports them
     * (OpenAI: `usage.prompt_tokens_details.cached_tokens`, a part of `prompt_tokens`). Default: `promptUsdPerMTok`
     * (cached tokens cost what other prompt tokens cost). Endpoints that report no cached tokens never use it.
     */
    cachedPromptUsdPerMTok: usdPerMTok.optional(),
    /**
     * USD per million prompt tokens sent through a Batch API (`model.mode: batch`). Default: half of
     * `promptUsdPerMTok` (shared/cost/batch-prices.ts).
     */
    batchPromptUsdPerMTok: usdPerMTok.optional(),
    /** USD per million completion tokens through a Batch API. Default: half of `completionUsdPerMTok`. */
    batchCompletionUsdPerMTok: usdPerMTok.optional(),
  })
  .strict();

export type ModelPrices = z.output<typeof modelPricesSchema>;

/** The prices a cost was computed with, and the spec field they came from. */
export interface PricesUsed {
  prices: ModelPrices;
  /** `model.prices`, or the older fields a spec may still use: `budget.prices` (run spec), `prices` (eval spec). */
  source: 'model.prices' | 'budget.prices' | 'prices';
  /** A batch-mode run's synchronous prices, which `prices` (its batch prices) are compared with. Absent online. */
  online?: ModelPrices;
}
