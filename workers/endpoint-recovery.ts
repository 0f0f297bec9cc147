import type { Queue } from 'bullmq';
import type { RedisConnection } from '../shared/queue/redis-connection.js';
import type { HealthChange } from '../shared/limits/endpoint-limiter.js';
import type { Logger } from '../shared/logger.js';
import type { RunStore } from '../shared/runs/run-store.js';

export interface RecoveryDeps {
  redis: RedisConnection;
  runs: RunStore;
  /** The queues whose jobs park on a down endpoint, by name (distill, eval). */
  queues: readonly Queue[];
  logger: Logger;
}

/** Parked jobs promoted per round trip when an endpoint recovers. */
const BATCH = 200;

/**
 * What a worker does when one of its requests changed an endpoint's health: one log line per change (each change is
 * made, and so logged, by exactly one process), and on recovery the fleet is let go at once — jobs parked for the
 * outage are promoted (instead of each waiting out its park) and runs paused for it are resumed. The limiter's cap
 * restarts at its floor and slow-starts back, so the promoted backlog does not all hit a server that has just come up.
 */
export function createHealthChangeHandler(deps: RecoveryDeps): (change: HealthChange) => void {
  return (change) => {
    const fields = { endpoint: change.baseUrl, model: change.model, health: change.state, cap: change.cap };
    const at = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    switch (change.event) {
      case 'down':
        deps.logger.warn({ ...fields, downSince: at(change.downSince), nextProbeAt: at(change.nextProbeAt) }, 'LLM endpoint down: items park, one probe at a time');
        return;
      case 'probe-failed':
        deps.logger.info({ ...fields, downSince: at(change.downSince), nextProbeAt: at(change.nextProbeAt) }, 'LLM endpoint still down: probe failed');
        return;
      case 'rate-limited':
        deps.logger.warn(fields, 'LLM endpoint rate limited: cap cut, fleet paused for Retry-After');
        return;
      case 'healthy':
        deps.logger.info(fields, 'LLM endpoint healthy: no 429 for a while');
        return;
      case 'recovered':
        deps.logger.warn(fields, 'LLM endpoint up again: promoting parked items, ramping the cap back up');
        void releaseFleet(deps, change).catch((error: unknown) => {
          deps.logger.warn({ ...fields, err: error instanceof Error ? error.message : String(error) }, 'could not promote parked items; they return when their park ends');
        });
    }
  };
}

async function releaseFleet(deps: RecoveryDeps, change: HealthChange): Promise<void> {
  for (;;) {
    const runIds = await deps.redis.spop(change.keys.pausedRuns, BATCH);
    for (const runId of runIds) {
      if (await deps.runs.resumeAfterOutage(runId)) deps.logger.info({ runId, endpoint: change.baseUrl }, 'run resumed: its endpoint is up again');
    }
    if (runIds.length < BATCH) break;
  }
  let promoted = 0;
  for (;;) {
    const members = await deps.redis.spop(change.keys.parked, BATCH);
    for (const member of members) {
      const cut = member.indexOf('|');
      const queue = deps.queues.find((q) => q.name === member.slice(0, cut));
      const job = await queue?.getJob(member.slice(cut + 1));
      // No longer delayed (a worker took it, or it finished): nothing to do.
      if (job !== undefined && (await job.promote().then(() => true, () => false))) promoted++;
    }
    if (members.length < BATCH) break;
  }
  if (promoted > 0) deps.logger.info({ endpoint: change.baseUrl, promoted }, 'parked items promoted');
}
