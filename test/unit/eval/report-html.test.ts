import { describe, expect, it } from 'vitest';
import type { EvalMetrics } from '../../../shared/eval/eval-metrics.js';
import { EVAL_RESULT_SCHEMA_VERSION, type EvalResult } from '../../../shared/eval/eval-result.js';
import { buildReport } from '../../../shared/eval/render-report.js';
import { linearScale } from '../../../shared/eval/report-html/axis-scale.js';
import { escapeHtml } from '../../../shared/eval/report-html/escape-html.js';
import { formatDecade, logScale } from '../../../shared/eval/report-html/log-scale.js';
import { reportCharts } from '../../../shared/eval/report-html/report-charts.js';
import { renderReportHtml } from '../../../shared/eval/report-html/render-report-html.js';
import { renderBarChart, type BarChartSpec } from '../../../shared/eval/report-html/svg-bar-chart.js';

function metrics(accuracy: number, tokensPerItem: number, usd: number | null = null): EvalMetrics {
  const correct = Math.round(accuracy * 100);
  const totalTokens = tokensPerItem * 100;
  return {
    items: 100, correct, accuracy, errored: 0, unextractable: 0, tokensPerItem, promptTokensPerItem: 50, callsPerItem: 1, latencyMs: { mean: 5, p50: 4, p95: 9 },
    spend: { promptTokens: totalTokens, completionTokens: 0, cachedPromptTokens: 0, totalTokens, usd, perItem: { tokens: tokensPerItem, usd }, perCorrect: null },
  };
}

function result(evalId: string, strategy: string, system: 1 | 2, tasks: Record<string, EvalMetrics>, over: Partial<EvalResult> = {}): EvalResult {
  return {
    schemaVersion: EVAL_RESULT_SCHEMA_VERSION, kind: 's2d.eval', evalId, name: evalId, column: strategy, createdAt: '2026-01-01T00:00:00.000Z',
    strategy: { name: strategy, system, templateVersions: {} }, model: { name: 'm', baseUrl: 'http://x/v1' }, simulator: false, samples: 1,
    metrics: Object.values(tasks)[0] ?? metrics(0, 0), breakdowns: { task: tasks }, ...over,
  };
}

const count = (html: string, needle: string): number => html.split(needle).length - 1;
const HOSTILE = '<script>alert("x")</script> & \'co\'';

describe('escapeHtml', () => {
  it('escapes the five characters that can open a tag or close an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('axis scales', () => {
  it('a log axis spans the decades around the values, one tick per decade', () => {
    const scale = logScale([4, 270, 18]);
    expect(scale.ticks).toEqual([1, 10, 100, 1000]);
    expect(scale.position(10)).toBeCloseTo(1 / 3, 9);
    expect(scale.position(1000)).toBe(1);
    expect(logScale([0.5, 3]).ticks).toEqual([0.1, 1, 10]);
    expect(logScale([100]).ticks).toEqual([100, 1000]); // a lone power of ten still gets a decade
    expect(logScale([]).ticks).toEqual([1, 10]);
    expect(logScale([0, -3, 50]).ticks).toEqual([10, 100]); // a log axis cannot show 0: left out
    expect(logScale([0]).plots(0)).toBe(false);
    expect([1, 10, 1000, 20_000, 1e6, 0.01].map(formatDecade)).toEqual(['1', '10', '1k', '20k', '1M', '0.01']);
  });

  it('a linear axis ends at the given maximum or at a round number above the values', () => {
    expect(linearScale([], 1).ticks).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linearScale([0.00053, 0.0002]).ticks).toEqual([0, 0.0002, 0.0004, 0.0006]);
    expect(linearScale([7]).ticks).toEqual([0, 2, 4, 6, 8]);
    expect(linearScale([0]).ticks).toEqual([0, 1]);
  });
});

describe('renderBarChart', () => {
  const spec = (over: Partial<BarChartSpec> = {}): BarChartSpec => ({
    id: 'c', title: 't', axisLabel: 'a', categories: ['arithmetic', HOSTILE],
    series: [{ key: 'system1', label: 'System 1', simulator: false }, { key: 'cot', label: 'cot', simulator: true }],
    values: [[0.1, 0.5], [0.2, null]], scale: linearScale([], 1), formatValue: (v) => `${v}`, formatTick: (v) => `${v}`, ...over,
  });

  it('draws one bar per present value, a dash per missing one, and hatches simulated bars', () => {
    const svg = renderBarChart(spec());
    expect(count(svg, 'class="bar"')).toBe(3);
    expect(count(svg, 'class="missing"')).toBe(1);
    expect(count(svg, 'class="sim-hatch"')).toBe(1);
    expect(svg).toContain('cot — SIMULATOR');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;');
  });

  it('marks values a log axis cannot show instead of drawing a zero-height bar', () => {
    const svg = renderBarChart(spec({ values: [[0, 10], [5, 100]], scale: logScale([0, 10, 5, 100]) }));
    expect(count(svg, 'class="bar"')).toBe(3);
    expect(svg).toMatch(/0: not shown on this axis/);
  });

  it('says "no data" without categories or series', () => {
    for (const empty of [spec({ categories: [], values: [] }), spec({ series: [], values: [[], []] })]) {
      const svg = renderBarChart(empty);
      expect(count(svg, 'class="bar"')).toBe(0);
      expect(svg).toContain('no data');
    }
  });
});

describe('renderReportHtml', () => {
  const results = [
    result('s1', 'system1', 1, { arithmetic: metrics(0.08, 4, 0.0004), [HOSTILE]: metrics(0.56, 3, 0.0003) }),
    result('c1', 'cot', 2, { arithmetic: metrics(0.53, 270, 0.03) }, { model: { name: '<m>&', baseUrl: 'http://x/v1' } }),
    result('d1', 'system1', 1, { arithmetic: metrics(0.07, 18, 0.002) }, { column: 'distilled' }),
  ];

  it('renders every column, a dash for a missing cell, and escapes task and model names', () => {
    const report = buildReport(results);
    const html = renderReportHtml(report);
    // 2 tasks x 3 columns, cot and distilled have no result for the second task.
    const accuracy = renderBarChart(reportCharts(report).accuracy);
    expect(count(accuracy, 'class="bar"')).toBe(4);
    expect(count(accuracy, 'class="missing"')).toBe(2);
    expect(html).not.toMatch(/<script|\ssrc=|\shref=/i);
    expect(html).toContain('<code>&lt;m&gt;&amp;</code>');
    expect(html).toContain('data-column="cot" data-row="arithmetic" data-metric="accuracy">53.0%</td>');
    expect(html).not.toContain('SIMULATOR');
    expect(renderReportHtml(report)).toBe(html); // deterministic
  });

  it('charts USD per correct answer when every column has prices, tokens per correct answer otherwise', () => {
    const priced = reportCharts(buildReport(results)).cost;
    expect(priced.unit).toBe('usd');
    expect(priced.values[0]).toEqual([0.0004 / 8, 0.03 / 53, 0.002 / 7].map((v) => Math.round(v * 1e9) / 1e9));
    const mixed = reportCharts(buildReport([...results, result('x', 'rar2', 2, { arithmetic: metrics(0.7, 125, null) })])).cost;
    expect(mixed.unit).toBe('tokens');
    expect(mixed.caption).toContain('no prices for rar2');
    expect(mixed.values[0]?.[2]).toBeCloseTo(125 * 100 / 70, 3);
  });

  it('marks simulated columns in the banner, the table headings and the chart legends', () => {
    const html = renderReportHtml(buildReport(results.map((r) => (r.evalId === 'c1' ? { ...r, simulator: true } : r))));
    expect(html).toContain('id="simulator-note"');
    expect(html).toContain('1 of 3 columns came from the s2d LLM simulator');
    expect(count(html, 'cot — SIMULATOR')).toBe(3); // three charts
    expect(count(html, 'class="sim-badge"')).toBe(4); // banner, both tables, the method list
  });

  it('renders an empty report without failing', () => {
    const html = renderReportHtml(buildReport([]));
    expect(count(html, 'no data')).toBe(3);
    expect(html).toContain('0 method(s) × 0 task(s)');
  });
});
