import { formatUsd } from '../../../shared/cost/usd.js';
import { linearScale } from '../../../shared/eval/report-html/axis-scale.js';
import { escapeHtml } from '../../../shared/eval/report-html/escape-html.js';
import { renderBarChart } from '../../../shared/eval/report-html/svg-bar-chart.js';
import type { RunRecord } from '../../../shared/runs/run-store.js';
import { LIVE_RUN_STATES } from '../../../shared/runs/run-states.js';
import { strategyLabel } from '../../../shared/strategies/strategy-ref.js';
import { runSnapshot } from '../../progress/run-progress.js';
import type { RunControl } from '../../run-control-actions.js';
import type { ItemDigest, ItemSample } from '../item-digest.js';
import type { RunSample } from '../run-sampler.js';
import type { Session } from '../session-store.js';
import { renderPage } from './page-layout.js';
import { progressCell } from './runs-page.js';
import { throughputCharts } from './throughput-charts.js';

export interface RunPageData {
  run: RunRecord;
  digest: ItemDigest;
  history: readonly RunSample[];
  sampler: { startedAt: number; intervalMs: number };
  session: Session;
  /** A line about the control just applied (after the POST's redirect). */
  flash?: string | undefined;
}

function controls(run: RunRecord, session: Session): string {
  const live = LIVE_RUN_STATES.includes(run.state);
  if (!live) return `<p class="note">No controls: a ${run.state} run can no longer be paused or cancelled.</p>`;
  const button = (control: RunControl, label: string): string =>
    `<form method="post" action="/runs/${encodeURIComponent(run.runId)}/${control}"><input type="hidden" name="_csrf" value="${escapeHtml(session.csrfToken)}">` +
    `<button type="submit" id="${control}-button">${label}</button></form>`;
  return `<div class="controls">${run.state === 'paused' ? button('resume', 'Resume') : button('pause', 'Pause')}${button('cancel', 'Cancel run')}</div>`;
}

function countsTable(run: RunRecord): string {
  const usd = runSnapshot(run, null).usd;
  const rows: [string, string][] = [
    ['items done', progressCell(run)],
    ['accepted', `<td class="num" id="count-accepted">${run.accepted}</td>`],
    ['rejected', `<td class="num" id="count-rejected">${run.rejected}</td>`],
    ['errored', `<td class="num" id="count-errored">${run.errored}</td>`],
    ['LLM requests (paid)', `<td class="num">${run.llmRequests}</td>`],
    ['tokens (paid)', `<td class="num">${run.paidPromptTokens + run.paidCompletionTokens}</td>`],
    ['paid', `<td class="num">${usd === null ? 'no prices in the spec' : formatUsd(usd)}</td>`],
  ];
  return `<table id="counts"><tbody>${rows.map(([label, cell]) => `<tr><th>${label}</th>${cell}</tr>`).join('')}</tbody></table>`;
}

function rejectReasons(digest: ItemDigest): string {
  if (digest.rejectReasons.size === 0) return '<p id="reject-reasons">No rejected item read yet.</p>';
  const rows = [...digest.rejectReasons].sort((a, b) => b[1] - a[1]).map(([code, count]) => `<tr><td>${escapeHtml(code)}</td><td class="num">${count}</td></tr>`);
  return `<table id="reject-reasons"><thead><tr><th>reason</th><th>items</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function voteShareChart(digest: ItemDigest): string {
  const categories = digest.voteShares.map((_, i) => `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`);
  return renderBarChart({
    id: 'chart-vote-share',
    title: 'vote share of the winning answer',
    axisLabel: 'items',
    categories,
    series: [{ key: 'items', label: 'items by vote share', simulator: false }],
    values: digest.voteShares.map((count) => [count]),
    scale: linearScale(digest.voteShares),
    formatValue: (v) => String(v),
    formatTick: (v) => String(v),
  });
}

function samplesTable(id: string, samples: readonly ItemSample[]): string {
  if (samples.length === 0) return `<p id="${id}">None read yet.</p>`;
  const votes = (s: ItemSample): string => s.votes.map((v) => `${escapeHtml(v.answer)} ×${v.count}`).join(', ');
  const rows = samples.map(
    (s) =>
      `<tr><td>${escapeHtml(s.id)}</td><td class="prompt">${escapeHtml(s.prompt)}</td><td class="prompt">${escapeHtml(s.code === null ? s.outcome : `${s.code}: ${s.outcome}`)}</td>` +
      `<td>${votes(s)}</td><td class="num">${s.voteShare === null ? '—' : s.voteShare.toFixed(2)}</td></tr>`,
  );
  return `<table id="${id}"><thead><tr><th>id</th><th>prompt</th><th>outcome</th><th>votes</th><th>share</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One run: counts, controls, reject reasons, vote shares, throughput and cost seen so far, and sample items. */
export function renderRunPage(data: RunPageData): string {
  const { run, digest } = data;
  const id = escapeHtml(run.runId);
  const flash = data.flash === undefined ? '' : `<p class="flash" id="flash">${escapeHtml(data.flash)}</p>`;
  const readNote = `From ${digest.read} stored item result${digest.read === 1 ? '' : 's'}${digest.capped ? ' (the dashboard reads at most this many per run)' : ''}.`;
  const body =
    `<h1>Run <code>${id}</code></h1>${flash}` +
    `<p>${escapeHtml(run.spec.name)} · ${escapeHtml(strategyLabel(run.spec.strategy))} · ${escapeHtml(run.spec.model.name)} · state <span class="state state-${run.state}" id="run-state" data-state="${run.state}">${run.state}</span>` +
    `${run.stopDetail === null ? '' : ` (${escapeHtml(run.stopDetail)})`}${run.error === null ? '' : ` — ${escapeHtml(run.error)}`}</p>` +
    controls(run, data.session) +
    `<h2>Counts</h2>${countsTable(run)}` +
    `<h2>Reject reasons</h2><p class="note">${readNote}</p>${rejectReasons(digest)}` +
    `<h2>Vote share</h2><p class="note">Winner's votes / samples of accepted and rejected items. ${readNote}</p><figure>${voteShareChart(digest)}</figure>` +
    throughputCharts(data.history, data.sampler) +
    `<h2>Accepted items</h2>${samplesTable('accepted-items', digest.accepted)}` +
    `<h2>Rejected items</h2>${samplesTable('rejected-items', digest.rejected)}`;
  const live = LIVE_RUN_STATES.includes(run.state) || run.state === 'cancelled' || run.state === 'publishing';
  return renderPage({ title: `s2d dashboard — ${run.runId}`, session: data.session, body, refreshSeconds: live ? 5 : undefined });
}
