import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { evalRedisKeys } from '../../shared/eval/eval-keys.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec, type ResolvedEvalSpec } from '../../shared/eval/eval-spec.js';
import { EVAL_STATE_MACHINE, EVAL_STATE_TABLE, EVAL_STATES, type EvalState } from '../../shared/eval/eval-states.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');

describe('the eval state transition table, enforced in Redis (Lua)', () => {
  let redis: Redis;
  let evals: EvalRunStore;
  let spec: ResolvedEvalSpec;
  const prefix = isolatedPrefix('eval-transitions');

  beforeAll(async () => {
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    evals = new EvalRunStore(redis, prefix);
    const dir = await mkdtemp(join(tmpdir(), 's2d-eval-transitions-'));
    const files = await writeTaskFiles({ family: 'arithmetic', count: 2, seed: 1, dir, name: 'items' });
    spec = await resolveEvalSpec(
      evalSpecSchema.parse({ name: 'tr', input: files.inputsPath, labels: files.labelsPath, answerType: 'number', model: { name: 'm', baseUrl: 'http://127.0.0.1:9/v1' }, output: { dir: 'out' } }),
      { baseDir: dir, defaultBaseUrl: undefined },
    );
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function evalIn(state: EvalState): Promise<string> {
    const evalId = `tr-${state}-${randomUUID().slice(0, 8)}`;
    expect(await evals.register({ ...spec, evalId })).toBe(true);
    if (state === 'finalised') await evals.markFinalised(evalId, 'result.json');
    if (state === 'refused') await evals.markOutputRefused(evalId, 'output.dir refused');
    expect((await evals.get(evalId))?.state).toBe(state);
    return evalId;
  }

  it('allows every (from, to) pair the table lists and refuses every other; finalised and refused are final', async () => {
    expect(EVAL_STATE_TABLE.transitions.finalised).toEqual([]);
    expect(EVAL_STATE_TABLE.transitions.refused).toEqual([]);
    for (const from of EVAL_STATES) {
      for (const to of EVAL_STATES) {
        const evalId = await evalIn(from);
        const allowed = EVAL_STATE_MACHINE.allows(from, to);
        const want = from === to ? { ok: true, already: true } : allowed ? { ok: true, already: false } : { ok: false, state: from };
        expect(await evals.transition(evalId, to), `${from} -> ${to}`).toEqual(want);
        expect((await evals.get(evalId))?.state, `${from} -> ${to}`).toBe(allowed ? to : from);
      }
    }
    expect(await evals.transition('no-such-eval', 'finalised')).toEqual({ ok: false, state: null });
  });

  it('finalising drops the done bitmap with the move; a repeat keeps the first result location; a late item does not count', async () => {
    const evalId = await evalIn('running');
    await evals.setTotal(evalId, 2);
    await evals.markDone(evalId, 0, 'answered');
    expect(await evals.markFinalised(evalId, 'first.json')).toEqual({ ok: true, already: false });
    expect(await redis.exists(evalRedisKeys(prefix, evalId).done)).toBe(0);
    expect(await evals.markFinalised(evalId, 'second.json')).toEqual({ ok: true, already: true });
    expect(await evals.markDone(evalId, 1, 'answered')).toEqual({ first: false, complete: true });
    expect(await evals.get(evalId)).toMatchObject({ state: 'finalised', resultLocation: 'first.json', done: 1 });
    // Nothing is created for an eval that was never registered.
    expect(await evals.markFinalised('never-registered', 'x.json')).toEqual({ ok: false, state: null });
    expect(await redis.exists(evalRedisKeys(prefix, 'never-registered').eval)).toBe(0);
  });

  it('a refused output ends a running eval with the reason; a late item neither counts nor completes it', async () => {
    const evalId = await evalIn('running');
    await evals.setTotal(evalId, 1);
    await evals.markRefused(evalId, 'the endpoint said 401');
    expect(await evals.markOutputRefused(evalId, 'output.dir refused')).toEqual({ ok: true, already: false });
    expect(await evals.markOutputRefused(evalId, 'a second reason')).toEqual({ ok: true, already: true });
    expect(await evals.markDone(evalId, 0, 'answered')).toEqual({ first: false, complete: false });
    expect(await evals.get(evalId)).toMatchObject({ state: 'refused', refusedBy: 'output.dir refused', done: 0 });
    expect(await evals.markFinalised(evalId, 'result.json')).toEqual({ ok: false, state: 'refused' });
    // A finalised eval is not refused after the fact.
    const finalised = await evalIn('finalised');
    expect(await evals.markOutputRefused(finalised, 'late')).toEqual({ ok: false, state: 'finalised' });
  });
});
