import type { AxisScale } from './axis-scale.js';
import { escapeHtml } from './escape-html.js';

/** One bar colour per series: a report column (System 1, a System 2 method, a labelled column). */
export interface BarSeries {
  key: string;
  label: string;
  /** The series' numbers came from the s2d LLM simulator: its bars are hatched and its legend entry says so. */
  simulator: boolean;
}

/** A grouped bar chart: one group per category (a task, or one group for per-method figures), one bar per series. */
export interface BarChartSpec {
  /** Unique within the page: prefixes the SVG ids (the hatch pattern). Letters, digits and "-" only. */
  id: string;
  /** Accessible name of the chart (aria-label). */
  title: string;
  /** Axis caption, e.g. "accuracy" or "tokens per item (log scale)". */
  axisLabel: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  /** values[category][series]; null when the report has no such cell. */
  values: readonly (readonly (number | null)[])[];
  scale: AxisScale;
  formatValue: (value: number) => string;
  formatTick: (value: number) => string;
}

const WIDTH = 760;
const HEIGHT = 340;
const PLOT = { left: 80, right: 16, top: 40, bottom: 56 };
/** Colour-blind-safe (Okabe–Ito), cycled when a report has more columns. */
const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** Value labels are drawn only on bars at least this wide; narrower bars keep theirs in the tooltip. */
const MIN_LABELLED_BAR = 26;
const MAX_CATEGORY_CHARS = 28;

const fmt = (n: number): string => String(Math.round(n * 10) / 10);
const colour = (index: number): string => COLOURS[index % COLOURS.length] ?? '#000000';
const clip = (text: string): string => (text.length <= MAX_CATEGORY_CHARS ? text : `${text.slice(0, MAX_CATEGORY_CHARS - 1)}…`);

function legend(spec: BarChartSpec): string {
  let x = PLOT.left;
  return spec.series
    .map((s, i) => {
      const text = s.simulator ? `${s.label} — SIMULATOR` : s.label;
      const item =
        `<g class="legend-item" data-series="${escapeHtml(s.key)}"${s.simulator ? ' data-simulator="true"' : ''}>` +
        `<rect x="${x}" y="12" width="12" height="12" fill="${colour(i)}"/>` +
        (s.simulator ? `<rect x="${x}" y="12" width="12" height="12" fill="url(#${spec.id}-hatch)"/>` : '') +
        `<text x="${x + 16}" y="22"${s.simulator ? ' class="sim-text"' : ''}>${escapeHtml(text)}</text></g>`;
      x += 28 + text.length * (s.simulator ? 7.6 : 6.6); // a generous estimate of the text's width at 11px (bold when simulated)
      return item;
    })
    .join('');
}

function axis(spec: BarChartSpec, plotHeight: number): string {
  const y = (v: number): number => PLOT.top + plotHeight * (1 - spec.scale.position(v));
  const lines = spec.scale.ticks.map(
    (t) =>
      `<g class="tick"><line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="#ddd"/>` +
      `<text x="${PLOT.left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end">${escapeHtml(spec.formatTick(t))}</text></g>`,
  );
  const midY = PLOT.top + plotHeight / 2;
  return (
    lines.join('') +
    `<text class="axis-label" x="14" y="${fmt(midY)}" transform="rotate(-90 14 ${fmt(midY)})" text-anchor="middle">${escapeHtml(spec.axisLabel)}</text>`
  );
}

/** A bar, its value label, and the hatch over it when the number is simulated; a "no data" mark when it cannot be drawn. */
function bar(spec: BarChartSpec, c: number, s: number, x: number, width: number, plotHeight: number): string {
  const series = spec.series[s];
  const category = spec.categories[c] ?? '';
  const value = spec.values[c]?.[s] ?? null;
  if (series === undefined) return '';
  const data = `data-series="${escapeHtml(series.key)}" data-category="${escapeHtml(category)}"`;
  const baseline = PLOT.top + plotHeight;
  if (value === null || !spec.scale.plots(value)) {
    const why = value === null ? 'no result' : `${spec.formatValue(value)}: not shown on this axis`;
    return (
      `<g class="missing" ${data}><title>${escapeHtml(`${series.label} · ${category}: ${why}`)}</title>` +
      `<text x="${fmt(x + width / 2)}" y="${baseline - 4}" text-anchor="middle">–</text></g>`
    );
  }
  const height = Math.max(1, plotHeight * spec.scale.position(value));
  const top = baseline - height;
  const shown = spec.formatValue(value);
  const box = `x="${fmt(x)}" y="${fmt(top)}" width="${fmt(width)}" height="${fmt(height)}"`;
  const tip = `<title>${escapeHtml(`${series.label} · ${category}: ${shown}${series.simulator ? ' (SIMULATOR)' : ''}`)}</title>`;
  return (
    `<rect class="bar" ${data} data-value="${value}"${series.simulator ? ' data-simulator="true"' : ''} ${box} fill="${colour(s)}">${tip}</rect>` +
    (series.simulator ? `<rect class="sim-hatch" ${box} fill="url(#${spec.id}-hatch)" pointer-events="none"/>` : '') +
    (width >= MIN_LABELLED_BAR ? `<text class="value" ${data} x="${fmt(x + width / 2)}" y="${fmt(top - 4)}" text-anchor="middle">${escapeHtml(shown)}</text>` : '')
  );
}

/**
 * The chart as an inline SVG string: no script, no external reference, the same output for the same input. Bars are
 * `rect.bar` with `data-series`, `data-category` and the raw `data-value`; a missing or unplottable value is a
 * `g.missing` dash in its place, so a reader sees the gap rather than a zero.
 */
export function renderBarChart(spec: BarChartSpec): string {
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const open = `<svg class="chart" id="${spec.id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}">`;
  const defs =
    `<defs><pattern id="${spec.id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" stroke-opacity="0.7"/></pattern></defs>`;
  if (spec.categories.length === 0 || spec.series.length === 0) {
    return `${open}${defs}<text class="empty" x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const groupWidth = plotWidth / spec.categories.length;
  const barWidth = (groupWidth * 0.8) / spec.series.length;
  const parts: string[] = [open, defs, legend(spec), axis(spec, plotHeight)];
  spec.categories.forEach((category, c) => {
    const groupX = PLOT.left + c * groupWidth + groupWidth * 0.1;
    parts.push(`<g class="group">`);
    spec.series.forEach((_series, s) => parts.push(bar(spec, c, s, groupX + s * barWidth, barWidth, plotHeight)));
    const labelX = fmt(PLOT.left + (c + 0.5) * groupWidth);
    parts.push(
      `<g class="category"><title>${escapeHtml(category)}</title>` +
        `<text x="${labelX}" y="${HEIGHT - PLOT.bottom + 18}" text-anchor="middle">${escapeHtml(clip(category))}</text></g></g>`,
    );
  });
  parts.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${PLOT.top + plotHeight}" y2="${PLOT.top + plotHeight}" stroke="#333"/></svg>`);
  return parts.join('');
}
