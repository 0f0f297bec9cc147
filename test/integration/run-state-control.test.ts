import { describe, expect, inject, it } from 'vitest';
import { RunFailedError } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { singleDistillQueue } from '../helpers/single-distill-queue.js';

const redisUrl = inject('redisUrl');
const NO_LLM = 'http://127.0.0.1:9/v1';
const usage = (promptTokens: number, completionTokens: number) => ({ promptTokens, completionTokens });

describe('run state control in Redis (Lua)', () => {
  it('pause keeps the state to resume to, also across the producer finishing; cancel wins over pause; history is closed', async () => {
    const run = await createRunFixture({ label: 'states', redisUrl, baseUrl: NO_LLM, items: 2 });
    const { runs } = run.clients;
    const id = run.spec.runId;
    try {
      await runs.register(run.spec);
      expect(await runs.pause(id)).toEqual({ ok: true, already: false });
      expect(await runs.pause(id)).toEqual({ ok: true, already: true });
      expect(await runs.get(id)).toMatchObject({ state: 'paused', resumeState: 'producing' });
      // The producer finishing while paused must not unpause the run; it changes what it resumes to.
      expect(await runs.setTotal(id, 2)).toBe(false);
      expect(await runs.get(id)).toMatchObject({ state: 'paused', resumeState: 'running' });
      expect(await runs.resume(id)).toEqual({ ok: true, already: false });
      expect(await runs.get(id)).toMatchObject({ state: 'running', resumeState: null });
      expect(await runs.resume(id)).toEqual({ ok: true, already: true });
      await runs.pause(id);
      expect(await runs.stop(id, 'cancelled', 'by test')).toEqual({ ok: true, already: false });
      expect(await runs.get(id)).toMatchObject({ state: 'cancelled', stopReason: 'cancelled', stopDetail: 'by test', resumeState: null });
      // The first stop wins; a stopped run can be neither paused nor resumed.
      expect(await runs.stop(id, 'budget', 'later')).toEqual({ ok: true, already: true });
      expect(await runs.pause(id)).toEqual({ ok: false, state: 'cancelled' });
      expect(await runs.resume(id)).toEqual({ ok: false, state: 'cancelled' });
      // A stopped item counts as done, rejected and cancelled.
      await runs.markDone(id, 0, 'rejected', usage(0, 0), true);
      await runs.markDone(id, 1, 'accepted', usage(5, 5));
      expect(await runs.get(id)).toMatchObject({ done: 2, rejected: 1, accepted: 1, cancelled: 1 });
      expect(await runs.beginPublishing(id)).toEqual({ ok: true, already: false });
      expect(await runs.markPublished(id, 'x')).toEqual({ ok: true, already: false });
      expect(await runs.stop(id, 'cancelled', 'late')).toEqual({ ok: false, state: 'published' });
      expect(await runs.pause('no-such-run')).toEqual({ ok: false, state: null });
    } finally {
      await run.clients.close();
    }
  });

  it('a cost budget stops the run on the request that reaches it, atomically with counting it', async () => {
    const run = await createRunFixture({ label: 'cost', redisUrl, baseUrl: NO_LLM, items: 2 });
    const { runs } = run.clients;
    const id = run.spec.runId;
    // $1 per million prompt tokens, $2 per million completion tokens; stop at $0.01 = e.g. 4000 prompt + 3000 completion.
    const budget = { maxCostUsd: 0.01, prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 } };
    try {
      await runs.register(run.spec);
      expect(await runs.countRequest(id, usage(2_000, 1_000), budget)).toBe(false); // $0.004
      expect(await runs.countRequest(id, usage(2_000, 1_000), budget)).toBe(false); // $0.008
      expect(await runs.countRequest(id, usage(0, 1_000), budget)).toBe(true); // $0.010
      expect(await runs.get(id)).toMatchObject({ state: 'cancelled', stopReason: 'budget', stopDetail: 'budget.maxCostUsd 0.01 reached (0.0100 USD paid)', llmRequests: 3 });
      // Requests still in flight are counted, but stop nothing more.
      expect(await runs.countRequest(id, usage(10, 10), budget)).toBe(false);
      expect(await runs.get(id)).toMatchObject({ llmRequests: 4, paidPromptTokens: 4_010, paidCompletionTokens: 3_010 });
    } finally {
      await run.clients.close();
    }
  });

  it('an endpoint that refuses the run fails it only while it is live: a stopped run still publishes its partial dataset, history is never rewritten', async () => {
    const run = await createRunFixture({ label: 'fail', redisUrl, baseUrl: NO_LLM, items: 2 });
    const { runs } = run.clients;
    const id = run.spec.runId;
    try {
      await runs.register(run.spec);
      await runs.pause(id);
      expect(await runs.fail(id, 'refused')).toEqual({ ok: true, already: false });
      expect(await runs.get(id)).toMatchObject({ state: 'failed', error: 'refused', resumeState: null });
      expect(await runs.fail(id, 'again')).toEqual({ ok: true, already: true });
      expect((await runs.get(id))?.error).toBe('refused');

      const stopped = await createRunFixture({ label: 'fail-stopped', redisUrl, baseUrl: NO_LLM, items: 2 });
      await stopped.clients.runs.register(stopped.spec);
      await stopped.clients.runs.stop(stopped.spec.runId, 'cancelled', 'by test');
      expect(await stopped.clients.runs.fail(stopped.spec.runId, 'refused')).toEqual({ ok: false, state: 'cancelled' });
      // The one way out of cancelled: publishing what it has.
      expect(await stopped.clients.runs.beginPublishing(stopped.spec.runId)).toEqual({ ok: true, already: false });
      await stopped.clients.runs.markPublished(stopped.spec.runId, 'x');
      // A late duplicate execution after publication must not turn a published run into a failed one.
      expect(await stopped.clients.runs.fail(stopped.spec.runId, 'late')).toEqual({ ok: false, state: 'published' });
      expect(await stopped.clients.runs.get(stopped.spec.runId)).toMatchObject({ state: 'published', error: null });
      await stopped.clients.close();
    } finally {
      await run.clients.close();
    }
  });

  it('the producer enqueues nothing more for a failed run: the submission fails with the run\'s reason', async () => {
    const run = await createRunFixture({ label: 'fail-produce', redisUrl, baseUrl: NO_LLM, items: 5 });
    const { runs } = run.clients;
    try {
      await runs.register(run.spec);
      await runs.fail(run.spec.runId, 'the LLM endpoint refuses this run: 401');
      const error = await run.submit().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunFailedError);
      expect((error as Error).message).toMatch(/refuses this run: 401.*new runId/);
      expect(await singleDistillQueue(run.clients.distillQueues).count()).toBe(0);
    } finally {
      await run.clients.close();
    }
  });
});
