import { setTimeout as sleep } from 'node:timers/promises';
import { formatProgress } from './format-progress.js';
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
 * Polls the run until it is published (or failed). Progress goes to stderr: one line rewritten in place on a
 * terminal, otherwise a line when the state changes and at most every `logEveryMs`.
 */
export async function waitForPublication(runs: RunStore, runId: string, showProgress: boolean, pollMs = 250, logEveryMs = 2_000): Promise<void> {
  const tty = process.stderr.isTTY;
  let lastState = '';
  let lastLoggedAt = 0;
  for (;;) {
    const run = await runs.get(runId);
    if (run === null) throw new RunFailedError(runId, 'it disappeared from Redis');
    const finished = run.state === 'published' || run.state === 'failed';
    if (showProgress) {
      const line = formatProgress(run);
      if (tty) process.stderr.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`);
      else if (run.state !== lastState || Date.now() - lastLoggedAt >= logEveryMs) {
        process.stderr.write(`${line}\n`);
        lastLoggedAt = Date.now();
      }
      lastState = run.state;
    }
    if (run.state === 'published') return;
    if (run.state === 'failed') throw new RunFailedError(runId, run.error ?? 'unknown error');
    await sleep(pollMs);
  }
}
