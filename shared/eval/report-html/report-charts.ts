import { columnName, type Report } from '../render-report.js';
import { linearScale } from './axis-scale.js';
import { formatDecade, logScale } from './log-scale.js';
import { formatPercent, formatTokens, formatUsd } from './report-numbers.js';
import type { BarChartSpec, BarSeries } from './svg-bar-chart.js';

/** The cost chart's unit: US dollars when every column has prices, else tokens (what every endpoint reports). */
export type CostUnit = 'usd' | 'tokens';

export interface ReportCharts {
  accuracy: BarChartSpec;
  tokens: BarChartSpec;
  cost: BarChartSpec & { unit: CostUnit; caption: string };
}

const seriesOf = (report: Report): BarSeries[] =>
  report.columns.map((c) => ({ key: c.key, label: columnName(c), simulator: c.simulator === true }));

/** Accuracy per task and generated tokens per item per task (log axis), one bar per report column. */
function perTask(report: Report, pick: 'accuracy' | 'tokensPerItem'): (number | null)[][] {
  return report.rows.map((row) => report.columns.map((c) => row.cells[c.key]?.[pick] ?? null));
}

/**
 * What one correct answer cost, per method: USD when every column was priced; otherwise tokens per correct answer
 * for all of them (a chart never mixes units), and the caption names the unpriced columns.
 */
function costChart(report: Report, series: BarSeries[]): ReportCharts['cost'] {
  const unpriced = report.costs.filter((c) => c.usd === null).map((c) => c.key);
  const unit: CostUnit = report.costs.length > 0 && unpriced.length === 0 ? 'usd' : 'tokens';
  const values = report.columns.map((c) => {
    const cost = report.costs.find((k) => k.key === c.key);
    if (cost === undefined) return null;
    return unit === 'usd' ? cost.usdPerCorrect : cost.tokensPerCorrect;
  });
  const numbers = values.filter((v): v is number => v !== null);
  const caption =
    unit === 'usd'
      ? 'US dollars per correct answer: what the method paid over its evals (every call, retries included) divided by its correct answers.'
      : 'Tokens (prompt + completion, every call counted) per correct answer, log scale' +
        (unpriced.length === 0 ? '.' : `: no prices for ${unpriced.join(', ')} (set model.prices in the eval spec for US dollars).`);
  return {
    id: 'chart-cost',
    title: unit === 'usd' ? 'US dollars per correct answer, per method' : 'Tokens per correct answer, per method',
    axisLabel: unit === 'usd' ? 'USD per correct answer' : 'tokens per correct answer (log)',
    categories: report.columns.length === 0 ? [] : ['per correct answer'],
    series,
    values: [values],
    scale: unit === 'usd' ? linearScale(numbers) : logScale(numbers),
    formatValue: unit === 'usd' ? formatUsd : formatTokens,
    formatTick: unit === 'usd' ? formatUsd : formatDecade,
    unit,
    caption,
  };
}

/** The three charts of the HTML report, from the same Report object the Markdown and JSON are rendered from. */
export function reportCharts(report: Report): ReportCharts {
  const series = seriesOf(report);
  const categories = report.rows.map((r) => r.task);
  const tokenValues = perTask(report, 'tokensPerItem');
  return {
    accuracy: {
      id: 'chart-accuracy',
      title: 'Accuracy per task, per method',
      axisLabel: 'accuracy',
      categories,
      series,
      values: perTask(report, 'accuracy'),
      scale: linearScale([], 1),
      formatValue: formatPercent,
      formatTick: (v) => `${Math.round(v * 100)}%`,
    },
    tokens: {
      id: 'chart-tokens',
      title: 'Generated tokens per item, per task and method (log scale)',
      axisLabel: 'generated tokens per item (log)',
      categories,
      series,
      values: tokenValues,
      scale: logScale(tokenValues.flat().filter((v): v is number => v !== null)),
      formatValue: formatTokens,
      formatTick: formatDecade,
    },
    cost: costChart(report, series),
  };
}
