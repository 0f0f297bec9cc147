import { formatUsd } from '../cost/usd.js';
import { FINAL_STATES, type ProgressSnapshot } from './progress-snapshot.js';
import type { ProgressWindow } from './progress-window.js';

/** A snapshot with what the window derives from it: the object `--json` prints per update. */
export interface ProgressUpdate extends ProgressSnapshot {
  /** done / total × 100, one decimal; null until the total is known. */
  percent: number | null;
  /** Items finished per second over the recent window; null until it has one. */
  itemsPerSecond: number | null;
  etaSeconds: number | null;
}

export function progressUpdate(snapshot: ProgressSnapshot, window: ProgressWindow): ProgressUpdate {
  const percent = snapshot.total === null || snapshot.total === 0 ? null : Math.floor((snapshot.done / snapshot.total) * 1000) / 10;
  const rate = window.itemsPerSecond();
  const eta = window.etaSeconds(snapshot.total);
  return { ...snapshot, percent, itemsPerSecond: rate === null ? null : Math.round(rate * 100) / 100, etaSeconds: eta === null ? null : Math.round(eta) };
}

/** `1:05:09`, `4:07`, `0:09`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** `1370`, `41.2k`, `3.4M`. */
export function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** The most frequent reject reasons, most first: `tie 5, weak-majority 4`. */
function topReasons(reasons: Readonly<Record<string, number>> | null, limit = 3): string {
  if (reasons === null) return '';
  const top = Object.entries(reasons)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit);
  return top.length === 0 ? '' : ` (${top.map(([code, n]) => `${code} ${n}`).join(', ')})`;
}

function bar(percent: number | null, width: number): string {
  if (percent === null) return `[${'·'.repeat(width)}]`;
  const filled = Math.min(width, Math.round((percent / 100) * width));
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/**
 * One line of progress: on a terminal (`bar`) led by a bar, otherwise plain. Example:
 * `[██████░░░░]  46.0% 138/300 · 12.3 items/s · ETA 0:13 · accepted 130, rejected 8 (tie 5, weak-majority 3), errored 0 · 1242 requests · 429s: 3 · 310.4k tokens · $0.41 · cap 32/64, in flight 30 · running`.
 */
export function renderProgressLine(update: ProgressUpdate, options: { bar: boolean; barWidth?: number }): string {
  const parts: string[] = [];
  const total = update.total === null ? '?' : String(update.total);
  const percent = update.percent === null ? '' : `${update.percent.toFixed(1).padStart(5)}% `;
  parts.push(`${options.bar ? `${bar(update.percent, options.barWidth ?? 20)} ` : ''}${percent}${update.done}/${total}`);
  if (update.itemsPerSecond !== null) parts.push(`${update.itemsPerSecond.toFixed(update.itemsPerSecond < 10 ? 2 : 1)} items/s`);
  if (update.etaSeconds !== null && !FINAL_STATES.includes(update.state)) parts.push(`ETA ${formatDuration(update.etaSeconds)}`);
  parts.push(
    update.kind === 'eval'
      ? `scored ${update.done - update.errored}, errored ${update.errored}`
      : `accepted ${update.accepted}, rejected ${update.rejected}${topReasons(update.rejectReasons)}, errored ${update.errored}`,
  );
  parts.push(`${update.requests} requests`);
  if (update.rateLimited !== null && update.rateLimited > 0) parts.push(`429s: ${update.rateLimited}`);
  parts.push(`${formatCount(update.tokens)} tokens${update.usd === null ? '' : ` · ${formatUsd(update.usd)}`}`);
  if (update.endpoint !== null) {
    const health = update.endpoint.state === 'healthy' ? '' : `${update.endpoint.state}, `;
    parts.push(`${health}cap ${update.endpoint.cap}/${update.endpoint.maxConcurrency}, in flight ${update.endpoint.inFlight}`);
  }
  if (update.batch !== undefined) {
    const { open, completed, expired, failed, pending } = update.batch;
    // A batch is only done once ingested: "finalizing" at the provider still counts as open.
    parts.push(`batches ${open} open, ${completed} completed${expired > 0 ? `, ${expired} expired` : ''}${failed > 0 ? `, ${failed} failed` : ''}, ${pending} requests pending`);
  }
  parts.push(update.state);
  return parts.join(' · ');
}
