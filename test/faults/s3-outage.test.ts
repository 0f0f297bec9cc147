import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../infra/s3/local-s3.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, reportScenario, SAMPLING, waitForDone, WorkerFleet } from './fault-harness.js';

const redisUrl = inject('redisUrl');
const BUCKET = 'fault-s3';

describe('fault: the S3 store goes away near the end of a run and comes back', () => {
  let simulator: RunningSimulator;
  let s3: LocalS3;
  let directory: string;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 26, latency: { ttftMs: 15, perTokenMs: 0.3, jitter: 0.2 } });
    directory = await mkdtemp(join(tmpdir(), 's2d-fault-s3-'));
    s3 = await startLocalS3({ directory });
    await s3.createBucket(BUCKET);
    // This file's own server: the fixture's store and the spawned workers both find it through the environment.
    Object.assign(process.env, s3.env);
  });
  afterAll(async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
    await simulator.close();
  });

  it('staging writes and publication retry through the outage; one complete, manifest-last dataset', { timeout: 120_000 }, async () => {
    const items = 80;
    const run = await createRunFixture({
      label: 'fault-s3',
      redisUrl,
      baseUrl: simulator.baseUrl,
      items,
      spec: { sampling: SAMPLING, output: { uri: `s3://${BUCKET}/datasets`, shardMaxRecords: 20 }, maxAttempts: 10, retryBackoffMs: 200 },
    });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix, { ...s3.env, S2D_S3_PREFIXES: `s3://${BUCKET}/datasets` });
    try {
      fleet.spawn();
      fleet.spawn();
      const choicesBefore = simulator.stats().completionsReturned;
      await run.submit();
      // Down while the last items store their results and publication starts.
      await waitForDone(run.clients.runs, run.spec.runId, items - 15);
      const port = Number(new URL(s3.endpoint).port);
      const downAt = Date.now();
      // A graceful stop: the listening socket closes at once (new connections are refused), and the server lingers
      // until clients' keep-alive sockets go idle, so the outage lasts longer than the pause below.
      await s3.close();
      await sleep(2_500);
      s3 = await startLocalS3({ directory, port });
      const downMs = Date.now() - downAt;
      await waitForPublication(run.clients.runs, run.spec.runId, 50);

      const dataset = await run.readDataset();
      const logs = fleet.workers.map((w) => w.stderrTail()).join('\n');
      const failedAttempts = (logs.match(/"msg":"job attempt failed"/g) ?? []).length;
      const figures = accountRun('S3 store stopped near the end, then restarted', dataset, simulator, choicesBefore);
      reportScenario({ ...figures, notes: `store down ${(downMs / 1000).toFixed(1)} s, ${failedAttempts} job attempts failed against it` });
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.errored).toBe(0);
      // Results already paid for are in the call cache: a store outage costs retries, not LLM calls.
      expect(figures.extraCalls).toBe(0);
      // Exactly the manifest's files, the manifest and the pointer under the dataset's name: nothing half-written.
      const folder = datasetFolder(run.spec.name, run.spec.runId);
      const keys: string[] = [];
      for await (const key of run.store.list(`${run.spec.name}/`)) keys.push(key);
      expect(keys.sort()).toEqual(
        [...dataset.manifest.files.map((f) => `${folder}/${f.path}`), `${folder}/manifest.json`, `${run.spec.name}/_LATEST`].sort(),
      );
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
