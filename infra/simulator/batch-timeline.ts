/** A batch's statuses, as OpenAI's Batch object names them. */
export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** What fixes a batch's course: its creation, the timing it was created under, its size, and a cancel request. */
export interface BatchClock {
  createdMs: number;
  validatingMs: number;
  completionDelayMs: number;
  finalizingMs: number;
  expireAfterMs: number;
  /** Lines in the input file (0 when it is invalid). */
  total: number;
  /** The input file failed validation: the batch fails when validation ends. */
  invalid: boolean;
  /** When a cancel was accepted, or null. */
  cancelledMs: number | null;
}

/** A batch as of one instant: its status, the transitions reached so far (ms), and how many lines have run. */
export interface BatchMoment {
  status: BatchStatus;
  inProgressMs: number | null;
  finalizingMs: number | null;
  completedMs: number | null;
  failedMs: number | null;
  expiredMs: number | null;
  cancellingMs: number | null;
  cancelledMs: number | null;
  /** The first `executed` lines of the file have run (each line's result is fixed once it has). */
  executed: number;
  /** When the batch's outcome was fixed (its output and error files exist from then on); null while it is open. */
  endedMs: number | null;
}

const startMs = (clock: BatchClock): number => clock.createdMs + clock.validatingMs;

/** When line `index` (0-based) finishes: lines are spread evenly over `completionDelayMs`. */
export function lineDoneMs(clock: BatchClock, index: number): number {
  return startMs(clock) + ((index + 1) * clock.completionDelayMs) / Math.max(1, clock.total);
}

/** Lines finished at `atMs`. */
function executedBy(clock: BatchClock, atMs: number): number {
  const elapsed = atMs - startMs(clock);
  if (elapsed < 0) return 0;
  if (clock.completionDelayMs === 0) return clock.total;
  return Math.min(clock.total, Math.floor((elapsed * clock.total) / clock.completionDelayMs + 1e-9));
}

const open = (status: BatchStatus, fields: Partial<BatchMoment> = {}): BatchMoment => ({
  status,
  inProgressMs: null,
  finalizingMs: null,
  completedMs: null,
  failedMs: null,
  expiredMs: null,
  cancellingMs: null,
  cancelledMs: null,
  executed: 0,
  endedMs: null,
  ...fields,
});

/**
 * The batch at `nowMs`. validating lasts `validatingMs`; then an invalid file fails, a valid one runs its lines over
 * `completionDelayMs`, finalizes for `finalizingMs` and completes. Lines not finished by `createdMs + expireAfterMs`
 * never run: the batch expires then. A cancel stops lines from starting; the batch is cancelled `finalizingMs` later.
 */
export function batchMoment(clock: BatchClock, nowMs: number): BatchMoment {
  const start = startMs(clock);
  const reached = (ms: number): number | null => (ms <= nowMs ? ms : null);
  if (clock.cancelledMs !== null) {
    const c = clock.cancelledMs;
    const cancelled = c + clock.finalizingMs;
    return open(nowMs < cancelled ? 'cancelling' : 'cancelled', {
      inProgressMs: c >= start ? start : null,
      cancellingMs: c,
      cancelledMs: reached(cancelled),
      executed: executedBy(clock, c),
      endedMs: reached(cancelled),
    });
  }
  if (clock.invalid) return nowMs < start ? open('validating') : open('failed', { failedMs: start, endedMs: start });
  const allDone = start + clock.completionDelayMs;
  const expires = clock.createdMs + clock.expireAfterMs;
  if (allDone > expires && nowMs >= expires) {
    return open('expired', { inProgressMs: start <= expires ? start : null, expiredMs: expires, executed: executedBy(clock, expires), endedMs: expires });
  }
  if (nowMs < start) return open('validating');
  if (nowMs < allDone) return open('in_progress', { inProgressMs: start, executed: executedBy(clock, nowMs) });
  const completed = allDone + clock.finalizingMs;
  return open(nowMs < completed ? 'finalizing' : 'completed', {
    inProgressMs: start,
    finalizingMs: allDone,
    completedMs: reached(completed),
    executed: clock.total,
    endedMs: reached(completed),
  });
}
