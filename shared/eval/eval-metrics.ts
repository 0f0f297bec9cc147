import { normaliseAnswer } from '../extraction/normalise-answer.js';
import type { ModelPrices } from '../cost/model-prices.js';
import type { EvalItemRecord } from './eval-item-record.js';
import { evalSpend, type EvalSpend } from './eval-spend.js';

/** A gold label as the submitter stored it: the answer plus any metadata (task, variant, ...) for breakdowns. */
export interface EvalLabel {
  index: number;
  id: string;
  answer: string;
  /** String-valued metadata of the label line (everything but id and answer), e.g. { task: "arithmetic" }. */
  meta: Record<string, string>;
}

/** Metrics of a set of scored items. Means are per item; errored items count as wrong and cost what they used. */
export interface EvalMetrics {
  items: number;
  correct: number;
  /** correct / items (0 when there are no items). "Agreement" for judge tasks: the label is the known verdict. */
  accuracy: number;
  errored: number;
  /** Items whose strategy gave no extractable answer. */
  unextractable: number;
  /** Mean generated tokens per item, every intermediate call counted. */
  tokensPerItem: number;
  promptTokensPerItem: number;
  callsPerItem: number;
  latencyMs: { mean: number; p50: number; p95: number };
  /** Present when prices are configured: total and per item, in US dollars (see `spend` for per correct answer). */
  cost?: { total: number; perItem: number };
  /**
   * Tokens (prompt, completion, cached prompt) and US dollars, in total, per item and per correct answer. Absent in
   * results written before it existed.
   */
  spend?: EvalSpend;
  /** Present when any item reported consistency under perturbation. */
  inconsistency?: { items: number; inconsistent: number; rate: number };
}

/** Nearest-rank percentile (p in 0..100) of the values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export interface ScoredItem {
  record: EvalItemRecord;
  label: EvalLabel;
  correct: boolean;
}

/** Joins item records with labels by index and scores each: the prediction equals the normalised label. */
export function scoreItems(records: readonly EvalItemRecord[], labels: ReadonlyMap<number, EvalLabel>): ScoredItem[] {
  return records.map((record) => {
    const label = labels.get(record.index);
    if (label === undefined) throw new Error(`no label for eval item ${record.index} (${record.id})`);
    const gold = normaliseAnswer(label.answer, record.answerType);
    return { record, label, correct: record.predicted !== null && gold !== null && record.predicted === gold };
  });
}

export function computeMetrics(scored: readonly ScoredItem[], prices?: ModelPrices): EvalMetrics {
  const items = scored.length;
  const per = (total: number): number => (items === 0 ? 0 : total / items);
  const sum = (pick: (item: ScoredItem) => number): number => scored.reduce((total, item) => total + pick(item), 0);
  const correct = sum((item) => (item.correct ? 1 : 0));
  const latencies = scored.map((item) => item.record.latencyMs);
  const promptTokens = sum((item) => item.record.promptTokens);
  const completionTokens = sum((item) => item.record.completionTokens);
  const metrics: EvalMetrics = {
    items,
    correct,
    accuracy: per(correct),
    errored: sum((item) => (item.record.status === 'errored' ? 1 : 0)),
    unextractable: sum((item) => (item.record.status === 'answered' && item.record.predicted === null ? 1 : 0)),
    tokensPerItem: per(completionTokens),
    promptTokensPerItem: per(promptTokens),
    callsPerItem: per(sum((item) => item.record.calls)),
    latencyMs: { mean: per(sum((item) => item.record.latencyMs)), p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
  };
  metrics.spend = evalSpend(scored.map((item) => item.record), correct, prices);
  const usd = metrics.spend.usd;
  if (usd !== null) metrics.cost = { total: usd, perItem: per(usd) };
  const judged = scored.filter((item) => item.record.consistent !== undefined);
  if (judged.length > 0) {
    const inconsistent = judged.filter((item) => item.record.consistent === false).length;
    metrics.inconsistency = { items: judged.length, inconsistent, rate: inconsistent / judged.length };
  }
  return metrics;
}

/** Metrics per value of every label metadata key: { task: { arithmetic: {...} }, variant: { ... } }. */
export function breakdowns(scored: readonly ScoredItem[], prices?: ModelPrices): Record<string, Record<string, EvalMetrics>> {
  const groups = new Map<string, Map<string, ScoredItem[]>>();
  for (const item of scored) {
    for (const [key, value] of Object.entries(item.label.meta)) {
      const byValue = groups.get(key) ?? new Map<string, ScoredItem[]>();
      groups.set(key, byValue);
      byValue.set(value, [...(byValue.get(value) ?? []), item]);
    }
  }
  const out: Record<string, Record<string, EvalMetrics>> = {};
  for (const key of [...groups.keys()].sort()) {
    const byValue = groups.get(key) ?? new Map<string, ScoredItem[]>();
    out[key] = Object.fromEntries([...byValue.keys()].sort().map((value) => [value, computeMetrics(byValue.get(value) ?? [], prices)]));
  }
  return out;
}
