import type { DistillQueues } from '../shared/queue/distill-queues.js';
import { promoteRunJobs } from '../shared/queue/promote-run-jobs.js';
import type { ControlOutcome, RunStore } from '../shared/runs/run-store.js';

/** What a control action needs: the run store and the distill queues (to wake parked items). */
export interface RunControlClients {
  runs: RunStore;
  distillQueues: DistillQueues;
}

/** The run controls `s2d pause|resume|cancel` and the dashboard's buttons share. */
export const RUN_CONTROLS = ['pause', 'resume', 'cancel'] as const;
export type RunControl = (typeof RUN_CONTROLS)[number];

/** What each control did, in words: when it changed the run, and when the run was already so. */
export const CONTROL_WORDS: Readonly<Record<RunControl, { done: string; already: string }>> = {
  pause: { done: 'paused: in-flight items finish, no new item starts', already: 'paused' },
  resume: { done: 'resumed', already: 'running' },
  cancel: { done: 'cancelling: in-flight items finish, the rest are recorded as cancelled, then a partial dataset is published', already: 'cancelled' },
};

/**
 * Applies one control to a run through the run store's state machine (the only place run states change). Resume and
 * cancel also promote the run's parked items, so they do not wait out their park time. `via` names the caller in the
 * cancelled run's stop detail (e.g. `s2d cancel`).
 */
export async function applyRunControl(clients: RunControlClients, control: RunControl, runId: string, via: string): Promise<ControlOutcome> {
  let outcome: ControlOutcome;
  if (control === 'pause') return clients.runs.pause(runId);
  if (control === 'resume') outcome = await clients.runs.resume(runId);
  else outcome = await clients.runs.stop(runId, 'cancelled', `cancelled with ${via}`);
  if (outcome.ok) for (const queue of clients.distillQueues.all) await promoteRunJobs(queue, runId);
  return outcome;
}

/** Why a control was refused, in one line; null when it was not. */
export function refusalOf(outcome: ControlOutcome, runId: string, prefix: string): string | null {
  if (outcome.ok) return null;
  if (outcome.state === null) return `no run ${runId} under prefix ${prefix}`;
  return `run ${runId} is ${outcome.state}: only a producing, running or paused run can be changed`;
}
