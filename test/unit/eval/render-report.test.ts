import { describe, expect, it } from 'vitest';
import type { EvalMetrics } from '../../../shared/eval/eval-metrics.js';
import { EVAL_RESULT_SCHEMA_VERSION, parseEvalResult, type EvalResult } from '../../../shared/eval/eval-result.js';
import { renderEvalTable } from '../../../shared/eval/render-eval.js';
import { buildReport, renderReportMarkdown } from '../../../shared/eval/render-report.js';

function metrics(accuracy: number, tokensPerItem: number, extra: Partial<EvalMetrics> = {}): EvalMetrics {
  return { items: 100, correct: accuracy * 100, accuracy, errored: 0, unextractable: 0, tokensPerItem, promptTokensPerItem: 50, callsPerItem: 1, latencyMs: { mean: 5, p50: 4, p95: 9 }, ...extra };
}

function result(evalId: string, strategy: string, system: 1 | 2, tasks: Record<string, EvalMetrics>, over: Partial<EvalResult> = {}): EvalResult {
  return {
    schemaVersion: EVAL_RESULT_SCHEMA_VERSION,
    kind: 's2d.eval',
    evalId,
    name: evalId,
    column: strategy,
    createdAt: '2026-01-01T00:00:00.000Z',
    strategy: { name: strategy, system, templateVersions: {} },
    model: { name: 'm', baseUrl: 'http://x/v1' },
    simulator: false,
    samples: 1,
    metrics: Object.values(tasks)[0] ?? metrics(0, 0),
    breakdowns: { task: tasks },
    ...over,
  };
}

describe('report', () => {
  const results = [
    result('d1', 'system1', 1, { arithmetic: metrics(0.071, 18) }, { column: 'distilled' }),
    result('c1', 'cot', 2, { arithmetic: metrics(0.528, 270) }),
    result('s1', 'system1', 1, { arithmetic: metrics(0.076, 4), 'coin-flip': metrics(0.561, 3) }),
    result('r1', 'rar2', 2, { 'coin-flip': metrics(0.772, 125, { inconsistency: { items: 100, inconsistent: 9, rate: 0.09 } }) }),
  ];

  it('orders columns System 1, System 2 methods, then labelled columns; rows per task; missing cells empty', () => {
    const report = buildReport(results);
    expect(report.columns.map((c) => c.key)).toEqual(['system1', 'cot', 'rar2', 'distilled']);
    expect(report.rows.map((r) => r.task)).toEqual(['arithmetic', 'coin-flip']);
    expect(report.rows[0]?.cells.cot).toMatchObject({ accuracy: 0.528, tokensPerItem: 270 });
    expect(report.rows[0]?.cells.rar2).toBeNull();
    expect(report.rows[1]?.cells.rar2?.inconsistencyRate).toBe(0.09);
  });

  it('renders Markdown with accuracy and tokens per column, flip rates, and the provenance of each column', () => {
    const md = renderReportMarkdown(buildReport(results));
    expect(md).toContain('| task | System 1 acc | System 1 tok | cot acc | cot tok | rar2 acc | rar2 tok | distilled acc | distilled tok |');
    expect(md).toContain('| arithmetic | 7.6% | 4.0 | 52.8% | 270.0 | – | – | 7.1% | 18.0 |');
    expect(md).toContain('77.2% (9.0% flip)');
    expect(md).not.toContain('simulator');
  });

  it('marks simulated columns and says what a simulated "distilled" column is', () => {
    const simulated = results.map((r) => ({ ...r, simulator: true }));
    const md = renderReportMarkdown(buildReport(simulated));
    expect(md).toContain('distilled † acc');
    expect(md).toMatch(/simulator\*\*, not a real model/);
    expect(md).toMatch(/a stand-in, not a fine-tuned model/);
  });

  it('sums each method\'s cost over its evals: tokens and USD per item and per correct answer, paid requests', () => {
    const spend = (items: number, correct: number, totalTokens: number, usd: number | null) => ({
      spend: { promptTokens: totalTokens, completionTokens: 0, cachedPromptTokens: 0, totalTokens, usd, perItem: { tokens: totalTokens / items, usd }, perCorrect: null },
      items,
      correct,
    });
    const paid = (requests: number) => ({ cost: { prices: null, paid: { requests, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, totalTokens: 0, usd: null }, perItem: null, perCorrect: null } });
    const priced = [
      result('a', 'cot', 2, { arithmetic: metrics(0.5, 200, spend(100, 50, 30_000, 0.03)) }, paid(100)),
      result('b', 'cot', 2, { 'coin-flip': metrics(0.5, 100, spend(100, 25, 10_000, 0.01)) }, paid(120)),
      result('c', 'system1', 1, { arithmetic: metrics(0.1, 5, spend(100, 10, 2_000, null)) }),
    ];
    const report = buildReport(priced);
    expect(report.costs).toEqual([
      { key: 'system1', items: 100, correct: 10, totalTokens: 2_000, tokensPerItem: 20, tokensPerCorrect: 200, usd: null, usdPerItem: null, usdPerCorrect: null, paidRequests: null },
      { key: 'cot', items: 200, correct: 75, totalTokens: 40_000, tokensPerItem: 200, tokensPerCorrect: 533.3333, usd: 0.04, usdPerItem: 0.0002, usdPerCorrect: 0.000533333, paidRequests: 220 },
    ]);
    const md = renderReportMarkdown(report);
    expect(md).toContain('| method | items | correct | tok/item | tok/correct | USD/item | USD/correct | paid requests |');
    expect(md).toContain('| System 1 | 100 | 10 | 20.0 | 200.0 | – | – | – |');
    expect(md).toContain('| cot | 200 | 75 | 200.0 | 533.3 | $0.0002 | $0.0005333 | 220 |');
    expect(md).toContain('No prices given for system1: tokens only');
  });

  it('uses the eval name as the row when labels carry no task', () => {
    const report = buildReport([result('plain', 'system1', 1, {}, { breakdowns: {}, metrics: metrics(0.5, 2) })]);
    expect(report.rows.map((r) => r.task)).toEqual(['plain']);
  });

  it('parses results by schema version and refuses other files', () => {
    expect(parseEvalResult(JSON.parse(JSON.stringify(results[0])), 'f').evalId).toBe('d1');
    expect(() => parseEvalResult({ ...results[0], schemaVersion: 2 }, 'f.json')).toThrow(/f\.json: not an s2d eval result/);
    expect(() => parseEvalResult({ kind: 's2d.dataset' }, 'm.json')).toThrow(/not an s2d eval result/);
  });

  it('prints an eval as a table with overall and per-group rows', () => {
    const r1 = results[3];
    if (r1 === undefined) throw new Error('fixture');
    const text = renderEvalTable(r1);
    expect(text).toMatch(/^eval r1: rar2 x 1 sample\(s\) on m\n/);
    expect(text).toContain('task=coin-flip');
    expect(text).toContain('9.0%');
  });
});
