import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { appendFile, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { statusJson } from '../../cli/commands/status.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { itemResultSchema } from '../../shared/dataset/item-result.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { finetuneJobId, finetunePayloadSchema } from '../../shared/handoff/finetune-payload.js';
import { createLogger } from '../../shared/logger.js';
import { QUEUES } from '../../shared/queue/queue-names.js';
import { QueueRegistry } from '../../shared/queue/queue-registry.js';
import { FINAL_HANDOFF_STATES, HANDOFF_FIELDS, type HandoffStatus } from '../../shared/runs/handoff-status.js';
import type { RunStore } from '../../shared/runs/run-store.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createHandoffProcessor } from '../../workers/handoff/process-handoff-job.js';
import { createPublishProcessor } from '../../workers/publish/process-publish-job.js';
import { readTrustPolicy } from '../../shared/trust/trust-policy.js';
import { RunContexts } from '../../workers/run-context.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';

const redisUrl = inject('redisUrl');
const silent = createLogger('silent');

function workers(run: RunFixture): RunningWorkers {
  return startWorkers({ redisUrl, prefix: run.prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: silent });
}

/** A publish job as BullMQ hands it to the processor: first attempt of five. */
function publishJob(runId: string): Job {
  return { data: { runId }, attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
}

async function handoffEnded(runs: RunStore, runId: string): Promise<HandoffStatus> {
  for (;;) {
    const handoff = (await runs.get(runId))?.handoff ?? null;
    if (handoff !== null && FINAL_HANDOFF_STATES.has(handoff.state)) return handoff;
    await sleep(25);
  }
}

describe('fine-tuning hand-off after publication', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, fineTuning: { stepMs: 30 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('queue: one message per published dataset, with two workers and the publish job processed again', async () => {
    const run = await createRunFixture({
      label: 'ftqueue',
      redisUrl,
      baseUrl: sim.baseUrl,
      items: 16,
      spec: { handoff: { kind: 'queue', baseModel: 'llama-3-8b', hyperparameters: { epochs: 2 } }, output: { shardMaxRecords: 4 } },
    });
    const queues = new QueueRegistry(run.clients.redis, run.prefix);
    try {
      await run.submit();
      const [a, b] = [workers(run), workers(run)];
      await waitForPublication(run.clients.runs, run.spec.runId, 25);
      await Promise.all([a.close(false), b.close(false)]);

      // The publish job again, twice at once (a redelivery, a second worker): the run is published, nothing is added.
      const publish = createPublishProcessor({ runs: run.clients.runs, contexts: new RunContexts(run.clients.runs), logger: silent, queues });
      expect(await Promise.all([publish(publishJob(run.spec.runId)), publish(publishJob(run.spec.runId))])).toEqual(['already-published', 'already-published']);
      // A crash between the add and recording it: the hand-off record is gone, the retry adds the same job id.
      const runKey = run.clients.runs.keys(run.spec.runId).run;
      await run.clients.redis.hdel(runKey, ...Object.values(HANDOFF_FIELDS));
      expect(await publish(publishJob(run.spec.runId))).toBe('already-published');

      const finetune = queues.get('finetune');
      const jobs = await finetune.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
      expect(jobs.map((j) => j.id)).toEqual([finetuneJobId(run.spec.runId)]);
      const payload = finetunePayloadSchema.parse(jobs[0]?.data);
      const { manifest } = await run.readDataset();
      expect(payload).toMatchObject({
        schemaVersion: 1,
        runId: run.spec.runId,
        dataset: 'ftqueue',
        baseModel: 'llama-3-8b',
        hyperparameters: { epochs: 2, learningRateMultiplier: 1, batchSize: 8 },
        counts: { inputs: 16, accepted: manifest.counts.accepted, train: manifest.counts.train, validation: manifest.counts.validation },
        createdAt: manifest.createdAt,
      });
      expect(payload.train.length).toBeGreaterThan(1); // 4 records per shard
      expect(JSON.parse(await readFile(payload.manifestUri, 'utf8'))).toEqual(manifest);
      // Every locator is a real file whose bytes are what the payload promises.
      for (const shard of [...payload.train, ...payload.validation]) {
        const bytes = await readFile(shard.uri);
        expect(bytes.length).toBe(shard.bytes);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(shard.sha256);
        expect(bytes.toString('utf8').split('\n').filter((l) => l !== '')).toHaveLength(shard.records);
      }
      expect(payload.train.reduce((n, s) => n + s.records, 0)).toBe(manifest.counts.train);

      const record = await run.clients.runs.get(run.spec.runId);
      expect(record?.handoff).toMatchObject({ kind: 'queue', state: 'enqueued', queue: 'finetune', jobId: finetuneJobId(run.spec.runId) });
      expect(record === null ? null : statusJson(record).handoff).toMatchObject({ state: 'enqueued' });
    } finally {
      await queues.close();
      await run.clients.close();
    }
  });

  it('a partial dataset (cancelled run) is published but not handed off: the hand-off is recorded as skipped', async () => {
    const run = await createRunFixture({
      label: 'ftpartial',
      redisUrl,
      baseUrl: sim.baseUrl,
      items: 6,
      spec: { handoff: { kind: 'queue', baseModel: 'llama-3-8b', hyperparameters: {} } },
    });
    const queues = new QueueRegistry(run.clients.redis, run.prefix);
    try {
      await run.submit(); // no worker yet: every item is still to start when the run is cancelled
      expect(await run.clients.runs.stop(run.spec.runId, 'cancelled', 'test')).toEqual({ ok: true, already: false });
      const w = workers(run);
      await waitForPublication(run.clients.runs, run.spec.runId, 25);
      const handoff = await handoffEnded(run.clients.runs, run.spec.runId);
      await w.close(false);
      expect((await run.readDataset()).manifest).toMatchObject({ partial: true, stopped: { reason: 'cancelled', items: 6 } });
      expect(handoff).toMatchObject({ kind: 'queue', state: 'skipped' });
      expect(handoff.error).toMatch(/partial/);
      const finetune = queues.get('finetune');
      expect(await finetune.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed'])).toEqual([]);
    } finally {
      await queues.close();
      await run.clients.close();
    }
  });

  it('openai: uploads both splits, creates one job, polls it to succeeded, and a retried hand-off creates no second job', async () => {
    const run = await createRunFixture({
      label: 'ftopenai',
      redisUrl,
      baseUrl: sim.baseUrl,
      items: 20,
      spec: {
        handoff: { kind: 'openai', baseModel: 'sim-base', suffix: 'letters', pollIntervalMs: 20 },
        output: { shardMaxRecords: 3, validationFraction: 0.3 },
      },
    });
    const openai = new OpenAI({ baseURL: sim.baseUrl, apiKey: 'sim-key', maxRetries: 0 });
    const queues = new QueueRegistry(run.clients.redis, run.prefix);
    const running = workers(run);
    try {
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 25);
      const ended = await handoffEnded(run.clients.runs, run.spec.runId);
      const { manifest } = await run.readDataset();
      expect(ended).toMatchObject({ kind: 'openai', state: 'succeeded', error: null });
      expect(ended.fineTunedModel).toMatch(/^ft:sim-base:s2d-sim:letters:/);
      if (ended.trainFileId === null || ended.validationFileId === null || ended.jobId === null) throw new Error('ids not recorded');

      // The uploads are the shards concatenated: sizes add up, and the job names both files and the run.
      const bytesOf = (role: string): number => manifest.files.filter((f) => f.role === role).reduce((n, f) => n + f.bytes, 0);
      expect(manifest.files.filter((f) => f.role === 'train').length).toBeGreaterThan(1);
      expect((await openai.files.retrieve(ended.trainFileId)).bytes).toBe(bytesOf('train'));
      expect((await openai.files.retrieve(ended.validationFileId)).bytes).toBe(bytesOf('validation'));
      const job = await openai.fineTuning.jobs.retrieve(ended.jobId);
      expect(job).toMatchObject({
        training_file: ended.trainFileId,
        validation_file: ended.validationFileId,
        metadata: { s2d_run_id: run.spec.runId, s2d_dataset: 'ftopenai' },
        hyperparameters: { n_epochs: 3, batch_size: 8, learning_rate_multiplier: 1 },
      });

      // A retry after a crash right after the job was created (job id not recorded yet): it finds the job by metadata.
      const runKey = run.clients.runs.keys(run.spec.runId).run;
      await run.clients.redis.hdel(runKey, HANDOFF_FIELDS.jobId, HANDOFF_FIELDS.fineTunedModel);
      await run.clients.redis.hset(runKey, HANDOFF_FIELDS.state, 'uploading');
      await run.clients.redis.del(`${run.prefix}:handoff-claim:${run.spec.runId}`);
      await queues.get(QUEUES.handoff).add('handoff', { runId: run.spec.runId }, { jobId: `${run.spec.runId}__handoff-retry`, attempts: 3 });
      const again = await handoffEnded(run.clients.runs, run.spec.runId);
      expect(again).toMatchObject({ state: 'succeeded', jobId: ended.jobId, fineTunedModel: ended.fineTunedModel });
      const jobsOfRun = await openai.fineTuning.jobs.list({ metadata: { s2d_run_id: run.spec.runId } });
      expect(jobsOfRun.data.map((j) => j.id)).toEqual([ended.jobId]);

      const record = await run.clients.runs.get(run.spec.runId);
      expect(record === null ? null : statusJson(record)).toMatchObject({
        state: 'published',
        handoff: { kind: 'openai', state: 'succeeded', jobId: ended.jobId, fineTunedModel: ended.fineTunedModel },
      });
    } finally {
      await running.close(false);
      await queues.close();
      await run.clients.close();
    }
  });

  it('openai: a shard that no longer matches its manifest ends the hand-off as error naming it; the run stays published', async () => {
    const run = await createRunFixture({
      label: 'ftcorrupt',
      redisUrl,
      baseUrl: sim.baseUrl,
      items: 3,
      spec: { handoff: { kind: 'openai', baseModel: 'sim-base', pollIntervalMs: 20 }, output: { validationFraction: 0 } },
    });
    const queues = new QueueRegistry(run.clients.redis, run.prefix);
    const openai = new OpenAI({ baseURL: sim.baseUrl, apiKey: 'sim-key', maxRetries: 0 });
    try {
      // A complete run built by hand, published by the processor itself; no worker runs, so the hand-off job waits.
      const { runs } = run.clients;
      const { runId } = run.spec;
      await runs.register(run.spec);
      const results = new ItemResultStore(openArtifactStore(run.spec.output.dir));
      for (const index of [0, 1, 2]) {
        await results.putOnce(runId, itemResultSchema.parse({ index, line: index + 1, id: `i${index}`, prompt: `q ${index}`, status: 'accepted', target: 'ab', voteShare: 1 }));
        await runs.markDone(runId, index, 'accepted', { promptTokens: 0, completionTokens: 0 });
      }
      await runs.setTotal(runId, 3);
      const contexts = new RunContexts(runs);
      await createPublishProcessor({ runs, contexts, logger: silent, queues })(publishJob(runId));
      expect((await queues.get(QUEUES.handoff).getJobs(['waiting'])).map((j) => j.id)).toEqual([`${runId}__handoff`]);

      await appendFile(join(run.spec.output.dir, datasetFolder(run.spec.name, runId), 'train-00000.jsonl'), 'x');
      const handoffJob = { data: { runId }, attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
      const handoff = createHandoffProcessor({ redis: run.clients.redis, prefix: run.prefix, runs, contexts, logger: silent });
      expect(await handoff(handoffJob)).toBe('error');

      const record = await runs.get(runId);
      expect(record?.state).toBe('published');
      expect(record?.handoff?.state).toBe('error');
      expect(record?.handoff?.error).toMatch(/train-00000\.jsonl does not match its manifest entry .*upload aborted/);
      expect(record?.handoff?.jobId).toBeNull();
      expect((await openai.fineTuning.jobs.list({ metadata: { s2d_run_id: runId } })).data).toEqual([]);
      // Ended for good: running the step again does nothing.
      expect(await handoff(handoffJob)).toBe('error');
    } finally {
      await queues.close();
      await run.clients.close();
    }
  });

  it.each([
    ['a fine-tuning API that echoes its own key (apiKeyEnv) in a 401 never gets it into the hand-off status', true],
    ["a fine-tuning API the workers' policy does not list gets no request: the hand-off ends as error naming handoff.baseUrl", false],
  ])('openai: %s', async (_name, allowed) => {
    const key = 'ft-key-not-a-known-shape-0123456789';
    let requests = 0;
    // A real HTTP endpoint that refuses every request and quotes the key it was sent, as some servers do.
    const echo = createServer((req, res) => {
      requests += 1;
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')}`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const port = (echo.address() as AddressInfo).port;
    const run = await createRunFixture({
      label: 'ftkey',
      redisUrl,
      baseUrl: sim.baseUrl,
      items: 1,
      spec: { handoff: { kind: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, apiKeyEnv: 'S2D_API_KEY_FT', baseModel: 'sim-base' }, output: { validationFraction: 0 } },
    });
    const queues = new QueueRegistry(run.clients.redis, run.prefix);
    try {
      const { runs } = run.clients;
      const { runId } = run.spec;
      await runs.register(run.spec);
      const results = new ItemResultStore(openArtifactStore(run.spec.output.dir));
      await results.putOnce(runId, itemResultSchema.parse({ index: 0, line: 1, id: 'i0', prompt: 'q', status: 'accepted', target: 'ab', voteShare: 1 }));
      await runs.markDone(runId, 0, 'accepted', { promptTokens: 0, completionTokens: 0 });
      await runs.setTotal(runId, 1);
      // The operator binds the fine-tuning API to its key variable, as S2D_ALLOWED_ENDPOINTS would.
      const trust = readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: allowed ? `${sim.baseUrl} http://127.0.0.1:${port}/v1=S2D_API_KEY_FT` : sim.baseUrl });
      const contexts = new RunContexts(runs, process.env, undefined, trust);
      await createPublishProcessor({ runs, contexts, logger: silent, queues })(publishJob(runId));
      const handoffJob = { data: { runId }, attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
      const handoff = createHandoffProcessor({ redis: run.clients.redis, prefix: run.prefix, runs, contexts, logger: silent, env: { S2D_API_KEY_FT: key } });
      expect(await handoff(handoffJob)).toBe('error');
      const error = (await runs.get(runId))?.handoff?.error ?? '';
      if (allowed) {
        expect(error).toMatch(/401.*Incorrect API key provided: \[redacted\]/);
      } else {
        expect(error).toMatch(/^refused by the workers' trust policy: handoff\.baseUrl http:\/\/127\.0\.0\.1:\d+\/v1 is not an endpoint these workers allow/);
        expect(requests).toBe(0);
      }
      expect(error).not.toContain(key);
    } finally {
      await new Promise((resolve) => echo.close(resolve));
      await queues.close();
      await run.clients.close();
    }
  });
});
