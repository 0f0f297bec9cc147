import { linearScale } from '../../../shared/eval/report-html/axis-scale.js';
import { escapeHtml } from '../../../shared/eval/report-html/escape-html.js';

/** A line over time: points as (milliseconds since the epoch, value). */
export interface LineChartSpec {
  /** Unique within the page. Letters, digits and "-" only. */
  id: string;
  title: string;
  axisLabel: string;
  points: readonly { at: number; value: number }[];
  formatTick: (value: number) => string;
}

const WIDTH = 760;
const HEIGHT = 240;
const PLOT = { left: 80, right: 16, top: 16, bottom: 36 };
const fmt = (n: number): string => String(Math.round(n * 10) / 10);
const clock = (at: number): string => new Date(at).toISOString().slice(11, 19);

/** An inline SVG line chart (no script); points are `circle.point` with their raw `data-value`, times in UTC. */
export function renderLineChart(spec: LineChartSpec): string {
  const open = `<svg class="chart" id="${spec.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}">`;
  const first = spec.points[0];
  const last = spec.points[spec.points.length - 1];
  if (first === undefined || last === undefined || spec.points.length < 2) {
    return `${open}<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">not enough samples yet</text></svg>`;
  }
  const scale = linearScale(spec.points.map((p) => p.value));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const span = Math.max(1, last.at - first.at);
  const x = (at: number): number => PLOT.left + (plotWidth * (at - first.at)) / span;
  const y = (value: number): number => PLOT.top + plotHeight * (1 - scale.position(value));
  const ticks = scale.ticks
    .map((t) => `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="#ddd"/><text x="${PLOT.left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end">${escapeHtml(spec.formatTick(t))}</text>`)
    .join('');
  const path = spec.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(x(p.at))},${fmt(y(p.value))}`).join(' ');
  const dots = spec.points.map((p) => `<circle class="point" cx="${fmt(x(p.at))}" cy="${fmt(y(p.value))}" r="2" data-value="${p.value}"><title>${clock(p.at)} UTC: ${escapeHtml(spec.formatTick(p.value))}</title></circle>`).join('');
  const midY = PLOT.top + plotHeight / 2;
  const base = PLOT.top + plotHeight;
  return (
    open +
    ticks +
    `<text class="axis-label" x="14" y="${fmt(midY)}" transform="rotate(-90 14 ${fmt(midY)})" text-anchor="middle">${escapeHtml(spec.axisLabel)}</text>` +
    `<path d="${path}" fill="none" stroke="#0072B2" stroke-width="2"/>${dots}` +
    `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${base}" y2="${base}" stroke="#333"/>` +
    `<text x="${PLOT.left}" y="${base + 18}">${clock(first.at)} UTC</text><text x="${WIDTH - PLOT.right}" y="${base + 18}" text-anchor="end">${clock(last.at)} UTC</text></svg>`
  );
}
