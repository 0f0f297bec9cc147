import type { RunRecord } from './run-store.js';

/** One line of run progress, as `submit --wait` and the demo print it. */
export function formatProgress(run: RunRecord): string {
  const total = run.total === null ? '?' : String(run.total);
  return `${run.runId}: ${run.state} — ${run.done}/${total} done (accepted ${run.accepted}, rejected ${run.rejected}, errored ${run.errored}${run.cancelled > 0 ? `, cancelled ${run.cancelled}` : ''}), ${run.llmRequests} LLM requests`;
}
