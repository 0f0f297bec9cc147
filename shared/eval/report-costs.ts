import { roundUsd } from '../cost/usd.js';
import type { EvalResult } from './eval-result.js';

/**
 * What one report column (a method: System 1, a System 2 method, a labelled column such as "distilled") cost over
 * its evals: tokens as the endpoint reported them (prompt + completion, every intermediate call counted) and US
 * dollars, per item and per correct answer. Summed over the column's distinct evals.
 */
export interface MethodCost {
  key: string;
  items: number;
  correct: number;
  totalTokens: number;
  tokensPerItem: number;
  /** null with no correct answer. */
  tokensPerCorrect: number | null;
  /** null unless every eval of the column had prices. */
  usd: number | null;
  usdPerItem: number | null;
  usdPerCorrect: number | null;
  /** Requests the workers paid for (retries included); null unless every eval of the column counted them. */
  paidRequests: number | null;
}

const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;

/** Per-column cost of a report's results; results without `spend` (written before it existed) count no tokens. */
export function methodCosts(results: readonly EvalResult[], columnKeys: readonly string[]): MethodCost[] {
  return columnKeys.map((key) => {
    // An eval named twice on the command line counts once.
    const own = [...new Map(results.filter((r) => r.column === key).map((r) => [r.evalId, r])).values()];
    let items = 0;
    let correct = 0;
    let totalTokens = 0;
    let usd: number | null = 0;
    let paidRequests: number | null = 0;
    for (const r of own) {
      items += r.metrics.items;
      correct += r.metrics.correct;
      totalTokens += r.metrics.spend?.totalTokens ?? 0;
      const spent = r.metrics.spend?.usd;
      usd = usd === null || spent === null || spent === undefined ? null : usd + spent;
      const paid = r.cost?.paid;
      paidRequests = paidRequests === null || paid === null || paid === undefined ? null : paidRequests + paid.requests;
    }
    const per = (value: number | null, units: number): number | null => (value === null || units === 0 ? null : roundUsd(value / units));
    return {
      key,
      items,
      correct,
      totalTokens,
      tokensPerItem: items === 0 ? 0 : round4(totalTokens / items),
      tokensPerCorrect: correct === 0 ? null : round4(totalTokens / correct),
      usd: usd === null ? null : roundUsd(usd),
      usdPerItem: per(usd, items),
      usdPerCorrect: per(usd, correct),
      paidRequests,
    };
  });
}
