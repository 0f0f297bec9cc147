import { priceWords } from '../cost/format-cost.js';
import { formatUsd } from '../cost/usd.js';
import type { EvalMetrics } from './eval-metrics.js';
import type { EvalResult } from './eval-result.js';

const pct = (value: number): string => `${(value * 100).toFixed(1)}%`;
const num = (value: number): string => value.toFixed(1);

function row(name: string, m: EvalMetrics): string[] {
  return [
    name,
    String(m.items),
    pct(m.accuracy),
    num(m.tokensPerItem),
    num(m.callsPerItem),
    `${Math.round(m.latencyMs.mean)}/${Math.round(m.latencyMs.p50)}/${Math.round(m.latencyMs.p95)}`,
    m.spend?.perCorrect == null ? '-' : num(m.spend.perCorrect.tokens),
    m.cost === undefined ? '-' : formatUsd(m.cost.perItem),
    m.spend?.perCorrect?.usd == null ? '-' : formatUsd(m.spend.perCorrect.usd),
    m.inconsistency === undefined ? '-' : pct(m.inconsistency.rate),
  ];
}

/** The line under the table: what the eval paid, or that no prices were given. */
function costLine(result: EvalResult): string {
  const cost = result.cost;
  if (cost === undefined) return '';
  const paid = cost.paid === null ? 'requests not counted' : `${cost.paid.requests} requests, ${cost.paid.totalTokens} tokens${cost.paid.usd === null ? '' : `, ${formatUsd(cost.paid.usd)}`}`;
  const prices = cost.prices === null ? 'no prices given (set model.prices in the eval spec for US dollars)' : `at ${priceWords(cost)}`;
  return `paid ${paid} (retries included); ${prices}\n`;
}

/** Pads columns to a plain-text table (first column left-aligned, the rest right-aligned). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)), ...rows.map(line)].join('\n');
}

/** The table `s2d eval` prints: overall, then one row per value of every label metadata key. */
export function renderEvalTable(result: EvalResult): string {
  const rows = [row('all', result.metrics)];
  for (const [key, byValue] of Object.entries(result.breakdowns)) {
    for (const [value, metrics] of Object.entries(byValue)) rows.push(row(`${key}=${value}`, metrics));
  }
  const source = result.simulator === true ? ' (s2d SIMULATOR: simulated numbers, not a real model)' : '';
  return [
    `eval ${result.evalId}: ${result.strategy.name} x ${result.samples} sample(s) on ${result.model.name}${source}`,
    textTable(['group', 'items', 'accuracy', 'gen tok/item', 'calls/item', 'latency ms mean/p50/p95', 'tok/correct (p+c)', 'USD/item', 'USD/correct', 'inconsistent'], rows),
    costLine(result),
  ].join('\n');
}
