import { formatUsd } from '../../../shared/cost/usd.js';
import type { RunSample } from '../run-sampler.js';
import { renderLineChart } from './svg-line-chart.js';

/** Items per second between consecutive samples, at the later sample's time. */
function rates(history: readonly RunSample[]): { at: number; value: number }[] {
  const points: { at: number; value: number }[] = [];
  for (let i = 1; i < history.length; i++) {
    const before = history[i - 1];
    const after = history[i];
    if (before === undefined || after === undefined || after.at <= before.at) continue;
    points.push({ at: after.at, value: Math.max(0, (after.done - before.done) / ((after.at - before.at) / 1000)) });
  }
  return points;
}

/**
 * Throughput and cost over time, as this dashboard process sampled them: Redis keeps no history of a run's counters,
 * so the charts begin when the dashboard started (or first saw the run), and the page says so.
 */
export function throughputCharts(history: readonly RunSample[], sampler: { startedAt: number; intervalMs: number }): string {
  const since = new Date(Math.max(sampler.startedAt, history[0]?.at ?? sampler.startedAt)).toISOString();
  const caveat =
    `<p class="note" id="sampling-note">Sampled every ${sampler.intervalMs / 1000} s by this dashboard process since ${since}: ` +
    'nothing before that is shown, and a restart of the dashboard starts the charts again.</p>';
  const priced = history.every((s) => s.usd !== null);
  const cost = renderLineChart({
    id: 'chart-cost',
    title: priced ? 'US dollars paid so far' : 'tokens paid so far',
    axisLabel: priced ? 'USD paid' : 'tokens paid (no prices in the spec)',
    points: history.map((s) => ({ at: s.at, value: priced ? (s.usd ?? 0) : s.tokens })),
    formatTick: priced ? formatUsd : (v) => String(v),
  });
  const throughput = renderLineChart({
    id: 'chart-throughput',
    title: 'items finished per second',
    axisLabel: 'items/s',
    points: rates(history),
    formatTick: (v) => String(Math.round(v * 100) / 100),
  });
  return `<h2>Throughput</h2>${caveat}<figure>${throughput}</figure><h2>Cost</h2><figure>${cost}</figure>`;
}
