import type { Job } from 'bullmq';
import { describe, expect, inject, it } from 'vitest';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { erroredResult } from '../../shared/dataset/errored-result.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { createLogger } from '../../shared/logger.js';
import { QueueRegistry } from '../../shared/queue/queue-registry.js';
import { RunConflictError } from '../../shared/runs/run-store.js';
import { RunFailedError, waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createPublishProcessor } from '../../workers/publish/process-publish-job.js';
import { RunContexts } from '../../workers/run-context.js';
import { createRunFixture } from '../helpers/run-fixture.js';

const redisUrl = inject('redisUrl');
const NO_LLM = 'http://127.0.0.1:9/v1'; // nothing here talks to an LLM

describe('run lifecycle edges', () => {
  it('refuses a different spec under an existing run id', async () => {
    const run = await createRunFixture({ label: 'conflict', redisUrl, baseUrl: NO_LLM, items: 3, spec: { runId: 'fixed-id' } });
    try {
      expect(await run.clients.runs.register(run.spec)).toBe(true);
      expect(await run.clients.runs.register(run.spec)).toBe(false);
      await expect(run.clients.runs.register({ ...run.spec, sampling: { ...run.spec.sampling, samples: 16 } })).rejects.toBeInstanceOf(RunConflictError);
    } finally {
      await run.clients.close();
    }
  });

  it('a publication that fails for good leaves the run "failed" with the reason, and waiting for it ends', async () => {
    const run = await createRunFixture({ label: 'pubfail', redisUrl, baseUrl: NO_LLM, items: 2 });
    try {
      const { runs, redis } = run.clients;
      await runs.register(run.spec);
      const results = new ItemResultStore(openArtifactStore(run.spec.output.dir));
      // Item 1 is counted as done but its durable result is missing: publication must refuse, not drop it.
      await results.putOnce(run.spec.runId, erroredResult({ index: 0, line: 1, id: 'a', prompt: 'p' }, { strategy: 'rar2', reason: 'x', attempts: 1 }));
      await runs.markDone(run.spec.runId, 0, 'errored', { promptTokens: 0, completionTokens: 0 });
      await runs.markDone(run.spec.runId, 1, 'errored', { promptTokens: 0, completionTokens: 0 });
      expect(await runs.setTotal(run.spec.runId, 2)).toBe(true);

      const publish = createPublishProcessor({ runs, contexts: new RunContexts(runs), logger: createLogger('silent'), queues: new QueueRegistry(redis, run.prefix) });
      const lastAttempt = { data: { runId: run.spec.runId }, attemptsMade: 4, opts: { attempts: 5 } } as unknown as Job;
      await expect(publish(lastAttempt)).rejects.toThrow(/item result 1 of run .* is missing/);
      const record = await runs.get(run.spec.runId);
      expect(record?.state).toBe('failed');
      expect(record?.error).toMatch(/^publication failed after 5 attempts: /);
      await expect(waitForPublication(runs, run.spec.runId, 10)).rejects.toBeInstanceOf(RunFailedError);
    } finally {
      await run.clients.close();
    }
  });

  it('a published run counts and enqueues nothing more, and brings back no bitmap', async () => {
    const run = await createRunFixture({ label: 'late', redisUrl, baseUrl: NO_LLM, items: 2 });
    try {
      const { runs, redis } = run.clients;
      await runs.register(run.spec);
      await runs.markDone(run.spec.runId, 0, 'accepted', { promptTokens: 1, completionTokens: 1 });
      await runs.beginPublishing(run.spec.runId);
      expect(await runs.markPublished(run.spec.runId, '/tmp/manifest.json')).toEqual({ ok: true, already: false });
      expect(await runs.markDone(run.spec.runId, 1, 'accepted', { promptTokens: 1, completionTokens: 1 })).toEqual({ first: false, complete: false });
      expect(await runs.unclaimed(run.spec.runId, [1, 2, 3])).toEqual([]);
      expect(await redis.exists(runs.keys(run.spec.runId).done)).toBe(0);
      expect((await runs.get(run.spec.runId))?.done).toBe(1);
    } finally {
      await run.clients.close();
    }
  });
});
