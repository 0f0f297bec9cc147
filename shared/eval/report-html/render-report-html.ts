import type { Report } from '../render-report.js';
import { escapeHtml } from './escape-html.js';
import { reportCharts } from './report-charts.js';
import { REPORT_CSS } from './report-html-style.js';
import { accuracyTableHtml, costTableHtml, provenanceHtml, SIMULATOR_BADGE } from './report-tables-html.js';
import { renderBarChart, type BarChartSpec } from './svg-bar-chart.js';

export interface ReportHtmlOptions {
  /** Page title and heading. Default "s2d evaluation report". */
  title?: string;
}

/**
 * Nothing may be fetched or run: no script, no stylesheet or image from anywhere. The page is one file a person can
 * mail or archive, and a hostile task name that slipped past escaping still could not load or execute anything.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const figure = (spec: BarChartSpec, caption: string): string =>
  `<figure>${renderBarChart(spec)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;

function simulatorBanner(report: Report): string {
  const simulated = report.columns.filter((c) => c.simulator === true);
  if (simulated.length === 0) return '';
  return (
    `<div class="sim-banner" id="simulator-note">${SIMULATOR_BADGE} <strong>Simulated numbers.</strong> ` +
    `${simulated.length === report.columns.length ? 'Every column' : `${simulated.length} of ${report.columns.length} columns`} came from the s2d LLM ` +
    'simulator, not a real model: accuracies are the simulator\'s configured rates (calibrated to the paper). The simulator cannot be ' +
    'fine-tuned, so a "distilled" column on it is a System 1 eval of a model name it treats as distilled, answering at its configured ' +
    'rate — a stand-in, not a fine-tuned model. Simulated bars are hatched and marked SIMULATOR.</div>'
  );
}

/**
 * The paper-style comparison as one self-contained HTML page: accuracy per task, generated tokens per item (log
 * scale) and cost per correct answer as inline SVG bar charts, the same numbers as tables, and where each column came
 * from. Deterministic (no timestamps): the same report renders the same bytes. Every user-given string is escaped.
 */
export function renderReportHtml(report: Report, options: ReportHtmlOptions = {}): string {
  const title = options.title ?? 's2d evaluation report';
  const charts = reportCharts(report);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="note">${report.columns.length} method(s) × ${report.rows.length} task(s), rendered by <code>s2d report --html</code>.</p>`,
    simulatorBanner(report),
    '<h2>Accuracy per task</h2>',
    figure(charts.accuracy, 'Accuracy (agreement for judge tasks) on the labelled set; "–" where a method has no result for the task.'),
    '<h2>Tokens per item</h2>',
    figure(charts.tokens, 'Mean generated tokens per item, every intermediate call counted; logarithmic axis.'),
    accuracyTableHtml(report),
    '<h2>Cost per correct answer</h2>',
    figure(charts.cost, charts.cost.caption),
    costTableHtml(report),
    '<p class="note">tok = prompt + completion tokens as the endpoint reported them, every intermediate call counted; per correct = what one ' +
      'right answer costs; paid requests = requests the workers paid for, retries included.</p>',
    '<h2>Methods</h2>',
    provenanceHtml(report),
  ];
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>\n` +
    `<body>\n${body.filter((part) => part !== '').join('\n')}\n</body></html>\n`
  );
}
