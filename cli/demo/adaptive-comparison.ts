import type { DemoCost } from './demo-cost.js';

/** One distillation of the demo's items, as the fixed vs adaptive comparison shows it. */
export interface SamplingOutcome {
  runId: string;
  accepted: number;
  /** Share of accepted targets equal to the gold label. */
  labelAccuracy: number;
  /** Sample chains drawn per item (the manifest's `sampling.drawn` over its inputs). */
  samplesPerItem: number;
  cost: DemoCost;
}

/** `adaptive` of `s2d demo --json`: the same items distilled with fixed N and with `sampling.adaptive: true`. */
export interface SamplingComparison {
  maxSamples: number;
  fixed: SamplingOutcome;
  adaptive: SamplingOutcome;
}

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;

function line(label: string, outcome: SamplingOutcome): string {
  const per = outcome.cost.perAcceptedExample;
  const usd = per?.usd === null || per?.usd === undefined ? '' : `, $${per.usd.toFixed(6)}`;
  const perText = per === null ? 'none accepted' : `${per.requests.toFixed(1)} requests, ${per.tokens.toFixed(0)} tokens${usd} per accepted example`;
  return `  ${label.padEnd(9)} ${outcome.samplesPerItem.toFixed(1)} samples/item, ${outcome.accepted} accepted (${pct(outcome.labelAccuracy)} label acc), ${perText}`;
}

/** The comparison's lines for the demo's text output. */
export function formatSamplingComparison(c: SamplingComparison): string[] {
  const priced = c.adaptive.cost.pricesLabel === null ? '' : ` (USD at ${c.adaptive.cost.pricesLabel})`;
  return [
    `fixed vs adaptive sampling, same items, at most ${c.maxSamples} samples (adaptive: beta rule, confidence 0.95)${priced}:`,
    line('fixed', c.fixed),
    line('adaptive', c.adaptive),
  ];
}
