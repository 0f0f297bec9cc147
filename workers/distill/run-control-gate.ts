import { DelayedError, type Job } from 'bullmq';
import type { DistillJob } from '../../shared/queue/job-payloads.js';
import { isStoppedResult, stoppedResult } from '../../shared/dataset/stopped-result.js';
import type { Logger } from '../../shared/logger.js';
import type { RunControl, RunStore } from '../../shared/runs/run-store.js';
import type { RunContexts } from '../run-context.js';
import { outcomeOf, type FinishItem } from './finish-item.js';

/** How long a paused run's item is parked before a worker looks at it again; `s2d resume` promotes it sooner. */
export const DEFAULT_PARK_MS = 60_000;

export interface GateDeps {
  contexts: RunContexts;
  finish: FinishItem;
  runs: RunStore;
  logger: Logger;
  /** Park time of a paused run's item, ms. Default {@link DEFAULT_PARK_MS}. */
  parkMs?: number;
}

/**
 * Applies run control before an item starts. A paused run's item is parked in BullMQ's delayed set without using
 * an attempt (`moveToDelayed` + DelayedError) and no LLM call is made. A cancelled run's item is recorded as a
 * stopped reject (`cancelled` / `budget-exhausted`) — unless an earlier execution already stored a result, which
 * then stands and is counted as usual. Returns 'stopped' when it settled the item, null when the item may run.
 *
 * A run paused for an endpoint outage is different: its items go on to the endpoint's limiter, which parks them while
 * the endpoint is down and lets one through as the probe when one is due — so the run learns of the recovery even
 * when nothing else uses the endpoint. An item that finds the endpoint up again resumes the run.
 */
export async function applyRunControl(run: RunControl, payload: DistillJob, job: Job, token: string | undefined, deps: GateDeps): Promise<'stopped' | null> {
  if (run.state === 'paused' && run.pauseCause === 'outage') {
    const health = (await deps.contexts.get(run.runId)).health;
    if (health !== undefined && (await health.health()).state !== 'down' && (await deps.runs.resumeAfterOutage(run.runId))) {
      deps.logger.info({ runId: run.runId, endpoint: health.baseUrl }, 'run resumed: its endpoint is up again');
    }
    return null;
  }
  if (run.state === 'paused') {
    await job.moveToDelayed(Date.now() + (deps.parkMs ?? DEFAULT_PARK_MS), token);
    throw new DelayedError(`run ${run.runId} is paused`);
  }
  if (run.state !== 'cancelled') return null;
  const context = await deps.contexts.get(run.runId);
  const result = await context.results.putOnce(run.runId, stoppedResult(payload, run.stopReason ?? 'cancelled', run.stopDetail));
  await deps.finish(payload, outcomeOf(result, isStoppedResult(result)));
  return 'stopped';
}
