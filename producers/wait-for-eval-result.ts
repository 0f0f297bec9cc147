import { setTimeout as sleep } from 'node:timers/promises';
import { RunSpecError } from '../shared/config/load-run-spec.js';
import { parseEvalResult, type EvalResult } from '../shared/eval/eval-result.js';
import type { EvalRecord, EvalRunStore } from '../shared/eval/eval-run-store.js';

/** An eval the workers refused (its output location or endpoint): it can never produce a result. */
export class EvalRefusedError extends Error {
  override readonly name = 'EvalRefusedError';
}

export interface WaitForEvalOptions {
  /** Each reading of the eval's record; `finished` on the last one. Default: none. */
  onProgress?: (record: EvalRecord, finished: boolean) => Promise<void> | void;
  /** Called once when no item finished for `stallMs` (no worker running?). Default: none. */
  onStall?: (stallMs: number) => void;
  /** Default 15000. */
  stallMs?: number;
  /** Default 250. */
  pollMs?: number;
}

/**
 * Polls until every item is done, then returns the stored result — finalising itself when no worker has yet (e.g.
 * a re-submission of a complete eval, or a finaliser that died): finalisation is idempotent.
 *
 * @throws {EvalRefusedError} when the workers refused the eval. @throws {RunSpecError} when it vanished from Redis.
 */
export async function waitForEvalResult(evalId: string, evals: EvalRunStore, finalise: (total: number) => Promise<EvalResult>, options: WaitForEvalOptions = {}): Promise<EvalResult> {
  const stallMs = options.stallMs ?? 15_000;
  let shown = -1;
  let lastProgress = Date.now();
  let stalled = false;
  for (;;) {
    const record = await evals.get(evalId);
    if (record === null) throw new RunSpecError(`eval ${evalId} vanished from Redis`);
    const complete = record.total !== null && record.done >= record.total;
    await options.onProgress?.(record, complete || record.state === 'refused');
    // Nothing of a refused eval can be stored, so it never completes: waiting longer would be waiting for ever.
    if (record.state === 'refused') throw new EvalRefusedError(`eval ${evalId} ended without a result: ${record.refusedBy ?? 'refused by the workers'}`);
    if (record.total !== null && complete) return parseEvalResult(await finalise(record.total), evalId);
    if (record.done !== shown) {
      shown = record.done;
      lastProgress = Date.now();
    } else if (!stalled && Date.now() - lastProgress > stallMs) {
      stalled = true;
      options.onStall?.(stallMs);
    }
    await sleep(options.pollMs ?? 250);
  }
}
