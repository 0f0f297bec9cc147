import { columnName, type Report, type ReportColumn } from '../render-report.js';
import { escapeHtml } from './escape-html.js';
import { formatPercent, formatTokens, formatUsd, NONE } from './report-numbers.js';

/** The SIMULATOR badge beside anything whose numbers came from the s2d LLM simulator. */
export const SIMULATOR_BADGE = '<span class="sim-badge" title="numbers from the s2d LLM simulator, not a real model">SIMULATOR</span>';

const heading = (column: ReportColumn): string => `${escapeHtml(columnName(column))}${column.simulator === true ? ` ${SIMULATOR_BADGE}` : ''}`;

/** A number cell the browser test (and a reader's tooling) can find by column, row and metric. */
function cell(column: string, row: string, metric: string, text: string): string {
  return `<td data-column="${escapeHtml(column)}" data-row="${escapeHtml(row)}" data-metric="${metric}">${escapeHtml(text)}</td>`;
}

/** Rows per task: accuracy (with the flip rate when measured) and generated tokens per item, per column. */
export function accuracyTableHtml(report: Report): string {
  const head = report.columns.map((c) => `<th colspan="2">${heading(c)}</th>`).join('');
  const sub = report.columns.map(() => '<th>acc</th><th>tok</th>').join('');
  const body = report.rows.map((row) => {
    const cells = report.columns.map((c) => {
      const value = row.cells[c.key];
      if (value === null || value === undefined) return cell(c.key, row.task, 'accuracy', NONE) + cell(c.key, row.task, 'tokensPerItem', NONE);
      const flip = value.inconsistencyRate === undefined ? '' : ` (${formatPercent(value.inconsistencyRate)} flip)`;
      return cell(c.key, row.task, 'accuracy', `${formatPercent(value.accuracy)}${flip}`) + cell(c.key, row.task, 'tokensPerItem', formatTokens(value.tokensPerItem));
    });
    return `<tr><th scope="row">${escapeHtml(row.task)}</th>${cells.join('')}</tr>`;
  });
  return (
    `<table id="table-accuracy"><thead><tr><th rowspan="2">task</th>${head}</tr><tr>${sub}</tr></thead>` +
    `<tbody>${body.join('')}</tbody></table>`
  );
}

/** One row per method: what it cost over its evals, per item and per correct answer. */
export function costTableHtml(report: Report): string {
  const byKey = new Map(report.columns.map((c) => [c.key, c]));
  const usd = (v: number | null): string => (v === null ? NONE : formatUsd(v));
  const body = report.costs.map((cost) => {
    const column = byKey.get(cost.key);
    const requestsPerCorrect = cost.paidRequests === null || cost.correct === 0 ? NONE : (cost.paidRequests / cost.correct).toFixed(2);
    const cells = [
      ['items', String(cost.items)],
      ['correct', String(cost.correct)],
      ['tokensPerItem', formatTokens(cost.tokensPerItem)],
      ['tokensPerCorrect', cost.tokensPerCorrect === null ? NONE : formatTokens(cost.tokensPerCorrect)],
      ['usdPerItem', usd(cost.usdPerItem)],
      ['usdPerCorrect', usd(cost.usdPerCorrect)],
      ['paidRequests', cost.paidRequests === null ? NONE : String(cost.paidRequests)],
      ['requestsPerCorrect', requestsPerCorrect],
    ].map(([metric, text]) => cell(cost.key, 'cost', metric ?? '', text ?? ''));
    return `<tr><th scope="row">${column === undefined ? escapeHtml(cost.key) : heading(column)}</th>${cells.join('')}</tr>`;
  });
  return (
    '<table id="table-cost"><thead><tr><th>method</th><th>items</th><th>correct</th><th>tok/item</th><th>tok/correct</th>' +
    '<th>USD/item</th><th>USD/correct</th><th>paid requests</th><th>requests/correct</th></tr></thead>' +
    `<tbody>${body.join('')}</tbody></table>`
  );
}

/** Where each column came from: strategy, samples, model, evals. */
export function provenanceHtml(report: Report): string {
  const items = report.columns.map(
    (c) =>
      `<li><strong>${heading(c)}</strong>: strategy <code>${escapeHtml(c.strategy)}</code> (System ${c.system}), ${c.samples} sample(s), ` +
      `model <code>${escapeHtml(c.model)}</code>; evals ${c.evalIds.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}</li>`,
  );
  return `<ul id="provenance">${items.join('')}</ul>`;
}
