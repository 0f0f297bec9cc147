import { describe, expect, it } from 'vitest';
import { checkBatchInput } from '../../../infra/simulator/batch-input.js';
import { batchMoment, lineDoneMs, type BatchClock } from '../../../infra/simulator/batch-timeline.js';

const clock = (over: Partial<BatchClock> = {}): BatchClock => ({
  createdMs: 1_000,
  validatingMs: 100,
  completionDelayMs: 1_000,
  finalizingMs: 50,
  expireAfterMs: 10_000,
  total: 10,
  invalid: false,
  cancelledMs: null,
  ...over,
});

describe('batch timeline', () => {
  it('walks validating → in_progress (lines finishing evenly) → finalizing → completed', () => {
    const c = clock();
    expect(batchMoment(c, 1_050)).toMatchObject({ status: 'validating', executed: 0, inProgressMs: null, endedMs: null });
    expect(batchMoment(c, 1_100)).toMatchObject({ status: 'in_progress', executed: 0, inProgressMs: 1_100 });
    expect(batchMoment(c, 1_399)).toMatchObject({ status: 'in_progress', executed: 2 });
    expect(batchMoment(c, 1_400)).toMatchObject({ status: 'in_progress', executed: 3 });
    expect(lineDoneMs(c, 2)).toBe(1_400);
    expect(batchMoment(c, 2_100)).toMatchObject({ status: 'finalizing', executed: 10, finalizingMs: 2_100, completedMs: null });
    expect(batchMoment(c, 2_150)).toMatchObject({ status: 'completed', executed: 10, completedMs: 2_150, endedMs: 2_150 });
  });

  it('fails an invalid batch when validation ends', () => {
    expect(batchMoment(clock({ invalid: true, total: 0 }), 1_099).status).toBe('validating');
    expect(batchMoment(clock({ invalid: true, total: 0 }), 1_100)).toMatchObject({ status: 'failed', failedMs: 1_100, endedMs: 1_100, executed: 0 });
  });

  it('expires at createdMs + expireAfterMs with the lines finished by then', () => {
    const c = clock({ expireAfterMs: 600 });
    expect(batchMoment(c, 1_599)).toMatchObject({ status: 'in_progress', executed: 4 });
    expect(batchMoment(c, 9_999)).toMatchObject({ status: 'expired', expiredMs: 1_600, executed: 5, endedMs: 1_600, completedMs: null });
    // Expiry during validation: nothing ran, never in progress.
    expect(batchMoment(clock({ expireAfterMs: 50 }), 2_000)).toMatchObject({ status: 'expired', executed: 0, inProgressMs: null });
    // A batch that finishes in time is not expired by a finalizing that runs past the deadline.
    expect(batchMoment(clock({ expireAfterMs: 1_100 }), 5_000).status).toBe('completed');
  });

  it('cancels: no line starts after the cancel, cancelled finalizingMs later', () => {
    const c = clock({ cancelledMs: 1_450 });
    expect(batchMoment(c, 1_460)).toMatchObject({ status: 'cancelling', cancellingMs: 1_450, executed: 3, cancelledMs: null, endedMs: null });
    expect(batchMoment(c, 9_000)).toMatchObject({ status: 'cancelled', cancelledMs: 1_500, executed: 3, endedMs: 1_500 });
    expect(batchMoment(clock({ cancelledMs: 1_050 }), 1_060)).toMatchObject({ status: 'cancelling', inProgressMs: null, executed: 0 });
  });
});

describe('batch input check', () => {
  const limits = { endpoint: '/v1/chat/completions', maxRequestsPerBatch: 3, maxBatchFileBytes: 10_000 };
  const line = (id: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] }, ...extra });

  it('reads valid lines with their line numbers, skipping blank lines', () => {
    const check = checkBatchInput(Buffer.from(`${line('a')}\n\n${line('b')}\n`), limits);
    expect(check).toEqual({ ok: true, lines: [expect.objectContaining({ line: 1, customId: 'a' }), expect.objectContaining({ line: 3, customId: 'b' })] });
  });

  it('names the line of each problem', () => {
    const check = checkBatchInput(Buffer.from([line('a'), line('b', { method: 'GET' }), line('c', { body: 'x' }), line('a')].join('\n')), { ...limits, maxRequestsPerBatch: 10 });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors.map((e) => [e.code, e.line])).toEqual([
      ['invalid_method', 2],
      ['missing_required_parameter', 3],
      ['duplicate_custom_id', 4],
    ]);
    expect(check.errors[2]?.message).toMatch(/duplicate of line 1/);
  });

  it('enforces the request and byte limits, and refuses an empty file', () => {
    const over = checkBatchInput(Buffer.from(['a', 'b', 'c', 'd'].map((id) => line(id)).join('\n')), limits);
    expect(over).toMatchObject({ ok: false, errors: [{ code: 'too_many_requests', line: 4 }] });
    expect(checkBatchInput(Buffer.from(line('a')), { ...limits, maxBatchFileBytes: 5 })).toMatchObject({ ok: false, errors: [{ code: 'file_too_large', line: null }] });
    expect(checkBatchInput(Buffer.from('\n\n'), limits)).toMatchObject({ ok: false, errors: [{ code: 'empty_file' }] });
  });
});
