import { setTimeout as sleep } from 'node:timers/promises';
import type { RunStore } from './run-store.js';

/** A run that ended without a dataset. */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
  constructor(
    readonly runId: string,
    reason: string,
  ) {
    super(`run ${runId} failed: ${reason}`);
  }
}

/**
 * Polls the run every `pollMs` until it is published; throws RunFailedError when it fails. Silent: the CLI shows
 * progress with cli/progress/run-progress.ts.
 */
export async function waitForPublication(runs: RunStore, runId: string, pollMs = 250): Promise<void> {
  for (;;) {
    const run = await runs.get(runId);
    if (run === null) throw new RunFailedError(runId, 'it disappeared from Redis');
    if (run.state === 'published') return;
    if (run.state === 'failed') throw new RunFailedError(runId, run.error ?? 'unknown error');
    await sleep(pollMs);
  }
}
