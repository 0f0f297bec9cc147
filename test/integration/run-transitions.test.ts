import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RUN_STATE_MACHINE, RUN_STATE_TABLE, RUN_STATES, type RunState } from '../../shared/runs/run-states.js';
import type { ControlOutcome, RunStore } from '../../shared/runs/run-store.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const NO_LLM = 'http://127.0.0.1:9/v1';
const ZERO = { promptTokens: 0, completionTokens: 0 };

/** Every state reached through the store's own operations (no state is written by hand). */
const REACH: Record<RunState, (runs: RunStore, id: string) => Promise<unknown>> = {
  producing: () => Promise.resolve(),
  running: (runs, id) => runs.setTotal(id, 2),
  paused: (runs, id) => runs.pause(id),
  cancelled: (runs, id) => runs.stop(id, 'cancelled', 'by test'),
  publishing: async (runs, id) => {
    await runs.setTotal(id, 2);
    await runs.beginPublishing(id);
  },
  published: async (runs, id) => {
    await runs.setTotal(id, 2);
    await runs.beginPublishing(id);
    await runs.markPublished(id, 'manifest.json');
  },
  failed: (runs, id) => runs.fail(id, 'refused'),
};

/** A state change that should or should not happen, judged against the table. */
function expected(from: RunState, to: RunState): { outcome: ControlOutcome; state: RunState } {
  if (from === to) return { outcome: { ok: true, already: true }, state: from };
  if (RUN_STATE_MACHINE.allows(from, to)) return { outcome: { ok: true, already: false }, state: to };
  return { outcome: { ok: false, state: from }, state: from };
}

describe('the run state transition table, enforced in Redis (Lua)', () => {
  let run: RunFixture;
  let runs: RunStore;
  beforeAll(async () => {
    run = await createRunFixture({ label: 'transitions', redisUrl, baseUrl: NO_LLM, items: 2 });
    runs = run.clients.runs;
  });
  afterAll(async () => {
    await run.clients.close();
  });

  /** A new run in `state`, reached the ordinary way; checks it got there. */
  async function runIn(state: RunState): Promise<string> {
    const id = `tr-${state}-${randomUUID().slice(0, 8)}`;
    expect(await runs.register({ ...run.spec, runId: id })).toBe(true);
    await REACH[state](runs, id);
    expect(await runs.getState(id)).toBe(state);
    return id;
  }

  /** `resumeState` exists exactly while the run is paused. */
  async function expectResumeStateOnlyWhilePaused(id: string): Promise<void> {
    const record = await runs.get(id);
    expect(record?.resumeState !== null, `resumeState ${String(record?.resumeState)} in state ${String(record?.state)}`).toBe(record?.state === 'paused');
    // An outage pause's cause and detail go with it.
    if (record?.state !== 'paused') expect([record?.pauseCause, record?.pauseDetail]).toEqual([null, null]);
  }

  it('has no way out of failed, only s2d retry out of published, and only publication or a trust refusal out of cancelled', () => {
    expect(RUN_STATE_TABLE.transitions.failed).toEqual([]);
    expect(RUN_STATE_TABLE.transitions.published).toEqual(['running']);
    expect(RUN_STATE_TABLE.transitions.cancelled).toEqual(['publishing', 'failed']);
    expect(Object.keys(RUN_STATE_TABLE.transitions).sort()).toEqual([...RUN_STATES].sort());
  });

  it('allows every (from, to) pair the table lists and refuses every other, leaving the run as it was', async () => {
    let allowed = 0;
    for (const from of RUN_STATES) {
      for (const to of RUN_STATES) {
        const id = await runIn(from);
        const want = expected(from, to);
        expect(await runs.transition(id, to), `${from} -> ${to}`).toEqual(want.outcome);
        expect(await runs.getState(id), `${from} -> ${to}`).toBe(want.state);
        await expectResumeStateOnlyWhilePaused(id);
        if (want.outcome.ok && !want.outcome.already) allowed++;
      }
    }
    expect(allowed).toBe(Object.values(RUN_STATE_TABLE.transitions).reduce((sum, targets) => sum + targets.length, 0));
    expect(await runs.transition('no-such-run', 'running')).toEqual({ ok: false, state: null });
  });

  // Each named operation narrows the table (never widens it): from which states it moves the run, and to where.
  const OPERATIONS: Record<string, { apply: (id: string) => Promise<ControlOutcome>; moves: Partial<Record<RunState, RunState>>; already: RunState[] }> = {
    pause: { apply: (id) => runs.pause(id), moves: { producing: 'paused', running: 'paused' }, already: ['paused'] },
    resume: { apply: (id) => runs.resume(id), moves: { paused: 'producing' }, already: ['producing', 'running'] },
    stop: { apply: (id) => runs.stop(id, 'cancelled', 'test'), moves: { producing: 'cancelled', running: 'cancelled', paused: 'cancelled' }, already: ['cancelled'] },
    fail: { apply: (id) => runs.fail(id, 'test'), moves: { producing: 'failed', running: 'failed', paused: 'failed' }, already: ['failed'] },
    beginPublishing: {
      apply: (id) => runs.beginPublishing(id),
      moves: { producing: 'publishing', running: 'publishing', paused: 'publishing', cancelled: 'publishing' },
      already: ['publishing'],
    },
    failPublication: { apply: (id) => runs.failPublication(id, 'test'), moves: { publishing: 'failed' }, already: ['failed'] },
    refuse: {
      apply: (id) => runs.refuse(id, 'test'),
      moves: { producing: 'failed', running: 'failed', paused: 'failed', cancelled: 'failed', publishing: 'failed' },
      already: ['failed'],
    },
    markPublished: { apply: (id) => runs.markPublished(id, 'm'), moves: { publishing: 'published' }, already: ['published'] },
  };

  it.each(Object.keys(OPERATIONS))('%s moves only along the table, from the states it names', async (name) => {
    const operation = OPERATIONS[name];
    if (operation === undefined) throw new Error(name);
    for (const [from, to] of Object.entries(operation.moves)) expect(RUN_STATE_MACHINE.allows(from as RunState, to), `${from} -> ${to}`).toBe(true);
    for (const from of RUN_STATES) {
      const id = await runIn(from);
      const to = operation.moves[from];
      const outcome = await operation.apply(id);
      if (operation.already.includes(from)) {
        expect(outcome, `${name} from ${from}`).toEqual({ ok: true, already: true });
        expect(await runs.getState(id)).toBe(from);
      } else if (to !== undefined) {
        expect(outcome, `${name} from ${from}`).toEqual({ ok: true, already: false });
        expect(await runs.getState(id)).toBe(to);
      } else {
        expect(outcome, `${name} from ${from}`).toEqual({ ok: false, state: from });
        expect(await runs.getState(id)).toBe(from);
      }
      await expectResumeStateOnlyWhilePaused(id);
    }
  });

  it('the producer finishing moves only a producing run (a paused one will resume to running); a budget stop only a live one', async () => {
    for (const from of RUN_STATES) {
      // Items remain: producing -> running.
      const remain = await runIn(from);
      await runs.setTotal(remain, 1_000);
      expect(await runs.getState(remain), `setTotal (items remain) from ${from}`).toBe(from === 'producing' ? 'running' : from);
      await expectResumeStateOnlyWhilePaused(remain);
      // Every item is done (none in the input): producing -> publishing.
      const complete = await runIn(from);
      await runs.setTotal(complete, 0);
      expect(await runs.getState(complete), `setTotal (all done) from ${from}`).toBe(from === 'producing' ? 'publishing' : from);
      // A request that reaches the budget stops a live run, and nothing else.
      const budget = await runIn(from);
      const stopped = await runs.countRequest(budget, { promptTokens: 10, completionTokens: 0 }, { maxTokens: 5 });
      const live = from === 'producing' || from === 'running' || from === 'paused';
      expect(stopped, `budget stop from ${from}`).toBe(live);
      expect(await runs.getState(budget)).toBe(live ? 'cancelled' : from);
      await expectResumeStateOnlyWhilePaused(budget);
    }
    const paused = await runIn('paused');
    await runs.setTotal(paused, 1_000);
    expect(await runs.get(paused)).toMatchObject({ state: 'paused', resumeState: 'running' });
  });

  it('a late item of a failed run counts but does not publish it; only the move to published drops the bitmaps', async () => {
    const failed = await runIn('failed');
    await runs.setTotal(failed, 1);
    expect(await runs.markDone(failed, 0, 'accepted', ZERO)).toEqual({ first: true, complete: true });
    expect(await runs.beginPublishing(failed)).toEqual({ ok: false, state: 'failed' });

    const id = await runIn('producing');
    await runs.markEnqueued(id, [0]);
    await runs.markDone(id, 0, 'accepted', ZERO);
    await runs.setTotal(id, 2);
    const bitmaps = [runs.keys(id).enqueued, runs.keys(id).done];
    expect(await runs.markPublished(id, 'm')).toEqual({ ok: false, state: 'running' });
    expect(await run.clients.redis.exists(...bitmaps)).toBe(2);
    await runs.beginPublishing(id);
    expect(await runs.markPublished(id, 'm')).toEqual({ ok: true, already: false });
    expect(await run.clients.redis.exists(...bitmaps)).toBe(0);
    expect(await runs.get(id)).toMatchObject({ state: 'published', manifestLocation: 'm' });
  });
  it('an outage pauses a producing or running run once per outage, and only such a pause is undone by the endpoint recovering', async () => {
    for (const from of RUN_STATES) {
      const id = await runIn(from);
      const paused = await runs.pauseForOutage(id, 1_000, 'endpoint http://x/v1 down since 1970-01-01T00:00:01.000Z');
      const live = from === 'producing' || from === 'running';
      expect(paused, `pauseForOutage from ${from}`).toBe(live);
      expect(await runs.getState(id)).toBe(live ? 'paused' : from);
      if (live) {
        expect(await runs.get(id)).toMatchObject({ state: 'paused', resumeState: from, pauseCause: 'outage', pauseDetail: 'endpoint http://x/v1 down since 1970-01-01T00:00:01.000Z' });
        expect(await runs.resumeAfterOutage(id)).toBe(true);
        expect(await runs.getState(id)).toBe(from);
        // The same outage does not pause it again (e.g. after s2d resume); the next one does.
        expect(await runs.pauseForOutage(id, 1_000, 'again')).toBe(false);
        expect(await runs.pauseForOutage(id, 2_000, 'next outage')).toBe(true);
        expect(await runs.resume(id)).toEqual({ ok: true, already: false });
      }
      await expectResumeStateOnlyWhilePaused(id);
    }
    // A pause by hand is not undone by the endpoint, nor is an outage pause made manual by s2d pause.
    const manual = await runIn('paused');
    expect(await runs.resumeAfterOutage(manual)).toBe(false);
    expect(await runs.get(manual)).toMatchObject({ state: 'paused', pauseCause: null });
    const madeManual = await runIn('running');
    await runs.pauseForOutage(madeManual, 5_000, 'endpoint down');
    expect(await runs.pause(madeManual)).toEqual({ ok: true, already: true });
    expect(await runs.get(madeManual)).toMatchObject({ state: 'paused', pauseCause: null, pauseDetail: null });
    expect(await runs.resumeAfterOutage(madeManual)).toBe(false);
  });

  it('s2d retry reopens only a published run of the version it read: running, next version, bitmaps rebuilt for the retried items', async () => {
    for (const from of RUN_STATES) {
      const id = await runIn(from);
      const outcome = await runs.beginRetry(id, 1, [1]);
      expect(outcome.ok, `beginRetry from ${from}`).toBe(from === 'published');
      if (from !== 'published') expect(await runs.getState(id)).toBe(from);
    }
    const id = await runIn('producing');
    await runs.markEnqueued(id, [0, 1, 2]);
    await runs.setTotal(id, 10);
    for (let index = 0; index < 10; index++) await runs.markDone(id, index, index === 1 || index === 8 ? 'errored' : 'accepted', ZERO);
    await runs.beginPublishing(id);
    await runs.markPublished(id, '/data/x/manifest.json');
    expect(await runs.beginRetry(id, 2, [1, 8])).toEqual({ ok: false, state: 'stale' });
    expect(await runs.beginRetry(id, 1, [1, 8])).toEqual({ ok: true, already: false });
    expect(await runs.get(id)).toMatchObject({ state: 'running', version: 2, previousManifest: '/data/x/manifest.json', manifestLocation: null, done: 8, errored: 0, accepted: 8 });
    expect(await runs.backlog(id)).toEqual({ state: 'running', queued: 2 });
    const done = await Promise.all(Array.from({ length: 10 }, (_, index) => runs.isDone(id, index)));
    expect(done).toEqual([true, false, true, true, true, true, true, true, false, true]);
    // A second retry of the same version is refused while this one runs; the items finishing complete the run.
    expect((await runs.beginRetry(id, 1, [1])).ok).toBe(false);
    expect(await runs.markDone(id, 1, 'accepted', ZERO)).toEqual({ first: true, complete: false });
    expect(await runs.markDone(id, 8, 'errored', ZERO)).toEqual({ first: true, complete: true });
    expect(await runs.get(id)).toMatchObject({ done: 10, accepted: 9, errored: 1 });
    expect(await runs.backlog(id)).toEqual({ state: 'running', queued: 0 });
  });
});
