import { escapeHtml } from '../../../shared/eval/report-html/escape-html.js';
import { formatUsd } from '../../../shared/cost/usd.js';
import type { RunRecord } from '../../../shared/runs/run-store.js';
import { runSnapshot } from '../../progress/run-progress.js';
import { strategyLabel } from '../../../shared/strategies/strategy-ref.js';
import type { Session } from '../session-store.js';
import { renderPage } from './page-layout.js';

/** The progress cell: a bar and `done/total` (total unknown while the producer still reads the input). */
export function progressCell(run: Pick<RunRecord, 'done' | 'total'>): string {
  const percent = run.total === null || run.total === 0 ? null : Math.min(100, (100 * run.done) / run.total);
  const bar = `<span class="progress-bar"><span style="width:${percent === null ? 0 : percent.toFixed(1)}%"></span></span>`;
  const text = `${run.done}/${run.total ?? '?'}${percent === null ? '' : ` (${percent.toFixed(0)}%)`}`;
  return `<td class="progress" data-done="${run.done}" data-total="${run.total ?? ''}">${bar} ${text}</td>`;
}

const num = (n: number): string => `<td class="num">${n}</td>`;

function row(run: RunRecord): string {
  const usd = runSnapshot(run, null).usd;
  const id = escapeHtml(run.runId);
  return (
    `<tr data-run-id="${id}"><td><a href="/runs/${encodeURIComponent(run.runId)}">${id}</a></td><td>${escapeHtml(run.spec.name)}</td>` +
    `<td>${escapeHtml(strategyLabel(run.spec.strategy))}</td><td>${escapeHtml(run.spec.model.name)}</td>` +
    `<td class="state state-${run.state}" data-state="${run.state}">${run.state}</td>${progressCell(run)}` +
    `${num(run.accepted)}${num(run.rejected)}${num(run.errored)}<td class="num">${usd === null ? '—' : formatUsd(usd)}</td><td>${escapeHtml(run.submittedAt)}</td></tr>`
  );
}

/** The list of runs under the prefix, newest first. */
export function renderRunsPage(runs: readonly RunRecord[], prefix: string, session: Session): string {
  const rows = [...runs].reverse().map(row).join('');
  const table =
    runs.length === 0
      ? '<p>No runs yet: submit one with <code>s2d submit</code>.</p>'
      : '<table id="runs"><thead><tr><th>run</th><th>name</th><th>strategy</th><th>model</th><th>state</th><th>progress</th><th>accepted</th><th>rejected</th><th>errored</th><th>paid</th><th>submitted</th></tr></thead>' +
        `<tbody>${rows}</tbody></table>`;
  return renderPage({
    title: 's2d dashboard — runs',
    session,
    refreshSeconds: 5,
    body: `<h1>Runs</h1><p class="note">Prefix <code>${escapeHtml(prefix)}</code>; reloads every 5 s.</p>${table}`,
  });
}
