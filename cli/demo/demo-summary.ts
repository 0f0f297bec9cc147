import type { AccuracyTally } from '../../shared/eval/accuracy-tally.js';
import { formatDemoCost, type DemoCost } from './demo-cost.js';
import { formatSamplingComparison, type SamplingComparison } from './adaptive-comparison.js';
import { formatBatchComparison, type BatchComparison } from './batch-comparison.js';

/** The `s2d demo --json` object (documented in docs/commands.md). */
export interface DemoSummary {
  runId: string;
  /** True when answers came from s2d's LLM simulator. */
  simulator: boolean;
  model: string;
  datasetDir: string;
  manifest: string;
  /** With `--s3`: the s3:// URI of every train/validation shard. */
  shards?: string[];
  items: number;
  accepted: number;
  rejected: number;
  errored: number;
  acceptanceRate: number;
  /** Share of accepted training targets equal to the gold label (which curation never saw). */
  labelAccuracy: number;
  system1: AccuracyTally;
  system2: AccuracyTally;
  byTask: Record<string, { system1: AccuracyTally | undefined; system2: AccuracyTally | undefined; dataset: { accepted: number; correct: number; accuracy: number } | undefined }>;
  tokens: { distillPrompt: number; distillCompletion: number; llmRequests: number };
  /** What distillation paid (run store counters): requests, tokens, and USD at labelled example prices on the simulator. */
  cost: DemoCost;
  /** The same items distilled again with `sampling.adaptive: true` (absent with --no-adaptive). */
  adaptive?: SamplingComparison;
  /** The same items distilled again through the Batch API (`--batch`), compared with the online run. */
  batch?: BatchComparison;
  workers: number;
  samples: number;
  /** `adaptive`: the comparison's second distillation (absent with --no-adaptive). */
  timingsMs: { distill: number; adaptive?: number; batch?: number; eval: number; total: number };
}

const pct = (value: number | undefined): string => (value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);
const num = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(1));

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
}

/** The human-readable demo table. */
export function formatDemoTable(s: DemoSummary): string {
  const widths = [12, 10, 10, 10, 10, 12, 10];
  const header = row(['task', 'S1 acc', 'S1 tok', 'S2 acc', 'S2 tok', 'dataset acc', 'accepted'], widths);
  const lines = [header, '-'.repeat(header.length)];
  for (const [task, t] of Object.entries(s.byTask)) {
    lines.push(row([task, pct(t.system1?.accuracy), num(t.system1?.tokensPerItem), pct(t.system2?.accuracy), num(t.system2?.tokensPerItem), pct(t.dataset?.accuracy), String(t.dataset?.accepted ?? 0)], widths));
  }
  lines.push(row(['all', pct(s.system1.accuracy), num(s.system1.tokensPerItem), pct(s.system2.accuracy), num(s.system2.tokensPerItem), pct(s.labelAccuracy), String(s.accepted)], widths));
  const source = s.simulator ? `${s.model} (s2d LLM SIMULATOR — not a real model)` : s.model;
  return [
    '',
    `s2d demo — run ${s.runId}, model ${source}`,
    `System 1 = bare question; System 2 = 2-step Rephrase-and-Respond; one greedy answer per held-out item (${s.system1.items} items).`,
    `dataset acc = curated training targets (rar2 × ${s.samples} samples, majority vote) vs gold labels curation never saw.`,
    `tok = generated tokens per item, every intermediate call counted.`,
    '',
    ...lines,
    '',
    `items ${s.items}: accepted ${s.accepted} (${pct(s.acceptanceRate)}), rejected ${s.rejected}, errored ${s.errored}; ${s.tokens.llmRequests} LLM requests`,
    ...formatDemoCost(s.cost),
    ...(s.adaptive === undefined ? [] : formatSamplingComparison(s.adaptive)),
    ...(s.batch === undefined ? [] : formatBatchComparison(s.batch)),
    `dataset  ${s.datasetDir}`,
    `manifest ${s.manifest}`,
    ...(s.shards ?? []).map((uri) => `shard    ${uri}`),
    `time     distill ${(s.timingsMs.distill / 1000).toFixed(1)} s with ${s.workers} workers, ${s.timingsMs.adaptive === undefined ? '' : `adaptive ${(s.timingsMs.adaptive / 1000).toFixed(1)} s, `}${s.timingsMs.batch === undefined ? '' : `batch ${(s.timingsMs.batch / 1000).toFixed(1)} s, `}eval ${(s.timingsMs.eval / 1000).toFixed(1)} s, total ${(s.timingsMs.total / 1000).toFixed(1)} s`,
    '',
  ].join('\n');
}
