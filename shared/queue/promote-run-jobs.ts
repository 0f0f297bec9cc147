import type { Queue } from 'bullmq';

/**
 * Moves a run's delayed jobs (items parked while the run was paused, or waiting for a retry) to the front of the
 * queue, so a resumed or cancelled run goes on at once instead of when each park lapses. The delayed set holds
 * at most the producers' backlogs (one bound per run), so it is read whole (ids first, then promoted, as promoting reshuffles pages).
 * Returns the number promoted; a job that moved on in between is skipped.
 */
export async function promoteRunJobs(queue: Queue, runId: string, pageSize = 500): Promise<number> {
  const ids: string[] = [];
  for (let start = 0; ; start += pageSize) {
    const jobs = await queue.getDelayed(start, start + pageSize - 1);
    for (const job of jobs) {
      if ((job.data as { runId?: unknown } | undefined)?.runId === runId && job.id !== undefined) ids.push(job.id);
    }
    if (jobs.length < pageSize) break;
  }
  let promoted = 0;
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (job === undefined) continue;
    try {
      await job.promote();
      promoted++;
    } catch {
      // No longer delayed (a worker took it, or it was removed): nothing to do.
    }
  }
  return promoted;
}
