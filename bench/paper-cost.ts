import type { CostSummary } from '../shared/cost/cost-summary.js';
import { formatUsd } from '../shared/cost/usd.js';
import type { EvalResult } from '../shared/eval/eval-result.js';

/** One task of the paper table's cost section: the evaluated methods, and the distillation's manifest cost. */
export interface PaperCostRow {
  task: string;
  system2Name: string;
  system1: EvalResult;
  system2: EvalResult;
  distilled: EvalResult;
  /** The distillation run's manifest `cost` (absent: a manifest written without run counters). */
  curatedCost?: CostSummary | undefined;
}

const tokens = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : value.toFixed(0));
const usd = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : formatUsd(value));

/** `tok/item · tok/correct · $/item · $/correct` of one evaluated method. */
function evalCell(result: EvalResult): string {
  const spend = result.metrics.spend;
  if (spend === undefined) return '–';
  const priced = spend.usd === null ? '' : ` · ${usd(spend.perItem.usd)} · ${usd(spend.perCorrect?.usd)}`;
  return `${tokens(spend.perItem.tokens)} · ${tokens(spend.perCorrect?.tokens)}${priced}`;
}

/** `requests · tokens · $` per accepted example of the distillation. */
function curatedCell(cost: CostSummary | undefined): string {
  const per = cost?.perAcceptedExample;
  if (per === null || per === undefined) return '–';
  return `${per.requests.toFixed(1)} req · ${tokens(per.tokens)} tok${per.usd === null ? '' : ` · ${usd(per.usd)}`}`;
}

/**
 * Markdown: what each method costs per task — per item and per correct answer for the evaluated methods, per
 * accepted example for the distillation — with `pricesNote` saying which prices (or none) the dollars use.
 */
export function renderPaperCost(rows: readonly PaperCostRow[], pricesNote: string): string {
  const lines = [
    '| task | System 1 | System 2 | distilled stand-in | curation: per accepted example |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.task} | ${evalCell(r.system1)} | ${r.system2Name}: ${evalCell(r.system2)} | ${evalCell(r.distilled)} | ${curatedCell(r.curatedCost)} |`),
    '',
    'Evaluated methods: tokens per item · tokens per correct answer (prompt + completion, every intermediate call, as the endpoint ' +
      'reported them)' + (rows.some((r) => r.system1.metrics.spend?.usd != null) ? ' · USD per item · USD per correct answer' : '') +
      '. Curation: LLM requests, tokens (and USD) the distillation paid per accepted example, retries included (the manifest\'s `cost`). ' +
      pricesNote,
  ];
  return `${lines.join('\n')}\n`;
}
