import { z } from 'zod';
import { modelPricesSchema, type PricesUsed } from './model-prices.js';
import { roundUsd, usdOf } from './usd.js';

/** What a run's workers paid for, as the run store counts it: every request sent and answered, retries included. */
export interface PaidCounters {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Part of promptTokens the endpoint reported as served from its prompt cache. */
  cachedPromptTokens: number;
}

const count = z.number().int().min(0);
const ratio = z.number().min(0);

/** A paid total divided by a number of items: requests, tokens (prompt + completion) and dollars per unit. */
export const costPerSchema = z
  .object({
    requests: ratio,
    tokens: ratio,
    /** null when no prices were given. */
    usd: ratio.nullable(),
  })
  .strict();
export type CostPer = z.output<typeof costPerSchema>;

/** How many sample chains the run drew against the most the spec allowed (what adaptive stopping saved). */
export const sampleSavingSchema = z
  .object({
    /** Items that ran their program (input rejects, stopped and errored items draw no samples and are left out). */
    items: count,
    /** Sample chains drawn for those items (`samples` of their results). */
    drawn: count,
    /** The most they could have drawn: `sampling.samples` per item and input it ran on (variants included). */
    max: count,
    /** (max − drawn) / max: 0 with a fixed budget; the share of sample chains adaptive stopping did not pay for. */
    savedFraction: z.number().min(0).max(1),
  })
  .strict();
export type SampleSaving = z.output<typeof sampleSavingSchema>;

/**
 * The cost of a run from its paid counters (`cost` in the manifest and in `s2d status --json`). Tokens are always
 * there; dollars only when the spec gave prices (`usd` null otherwise).
 */
export const costSummarySchema = z
  .object({
    /** The prices used (USD per million tokens) and the spec field they came from; null: no prices given. */
    prices: modelPricesSchema.extend({ source: z.enum(['model.prices', 'budget.prices', 'prices']) }).strict().nullable(),
    /** Paid totals: every LLM request sent and answered, retries included (from the run store's counters). */
    paid: z
      .object({
        requests: count,
        /** Prompt tokens, cached ones included. */
        promptTokens: count,
        completionTokens: count,
        /** The part of promptTokens the endpoint reported as cached (0 when it reports none). */
        cachedPromptTokens: count,
        /** promptTokens + completionTokens. */
        totalTokens: count,
        usd: ratio.nullable(),
      })
      .strict(),
    /** Paid totals per item (per input item in a manifest; per finished item in status); null with no items. */
    perItem: costPerSchema.nullable(),
    /** Paid totals per accepted example (item accepted into the dataset), the unit a dataset is bought in; null with none. */
    perAcceptedExample: costPerSchema.nullable(),
    /**
     * A batch-mode run (`model.mode: batch`, priced at its batch prices): what the same tokens would have cost at the
     * online prices, and the saving. Absent online or without prices.
     */
    batchSaving: z.object({ onlineUsd: z.number().min(0), savingUsd: z.number() }).strict().optional(),
    /** Sample chains drawn against the fixed budget; present where item results were read (the manifest). */
    samples: sampleSavingSchema.optional(),
  })
  .strict()
  .superRefine((cost, ctx) => {
    const paid = cost.paid;
    if (paid.totalTokens !== paid.promptTokens + paid.completionTokens) {
      ctx.addIssue({ code: 'custom', path: ['paid', 'totalTokens'], message: `is ${paid.totalTokens} but promptTokens + completionTokens = ${paid.promptTokens + paid.completionTokens}` });
    }
    if (paid.cachedPromptTokens > paid.promptTokens) {
      ctx.addIssue({ code: 'custom', path: ['paid', 'cachedPromptTokens'], message: `is ${paid.cachedPromptTokens}, more than promptTokens ${paid.promptTokens}` });
    }
    if ((cost.prices === null) !== (paid.usd === null)) {
      ctx.addIssue({ code: 'custom', path: ['paid', 'usd'], message: 'is given exactly when prices are' });
    }
  });
export type CostSummary = z.output<typeof costSummarySchema>;

/** Requests and tokens to 4 decimals: enough for averages, without float noise. */
const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

function per(paid: CostSummary['paid'], usd: number | null, units: number): CostPer | null {
  if (units <= 0) return null;
  return { requests: round4(paid.requests / units), tokens: round4(paid.totalTokens / units), usd: usd === null ? null : roundUsd(usd / units) };
}

/**
 * The cost summary of paid counters over `items` items of which `accepted` were accepted. Pure: the same numbers
 * give the same summary, in the manifest and in `s2d status`.
 */
export function costSummary(paid: PaidCounters, units: { items: number; accepted: number }, used: PricesUsed | null): CostSummary {
  // Divided before rounding, so a per-unit figure is the exact quotient rounded once.
  const usd = used === null ? null : usdOf(paid, used.prices);
  const totals = {
    requests: paid.requests,
    promptTokens: paid.promptTokens,
    completionTokens: paid.completionTokens,
    cachedPromptTokens: paid.cachedPromptTokens,
    totalTokens: paid.promptTokens + paid.completionTokens,
    usd: usd === null ? null : roundUsd(usd),
  };
  const onlineUsd = used?.online === undefined ? null : usdOf(paid, used.online);
  return {
    prices: used === null ? null : { ...used.prices, source: used.source },
    paid: totals,
    perItem: per(totals, usd, units.items),
    perAcceptedExample: per(totals, usd, units.accepted),
    ...(onlineUsd === null || usd === null ? {} : { batchSaving: { onlineUsd: roundUsd(onlineUsd), savingUsd: roundUsd(onlineUsd - usd) } }),
  };
}
