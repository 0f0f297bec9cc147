import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { accountRun, reportScenario, SAMPLING, WorkerFleet } from './fault-harness.js';

const redisUrl = inject('redisUrl');

describe('fault: the artifact store fails during publication', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 23 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('publication retries until the store is back; the dataset folder then holds exactly the manifest and its files', async () => {
    const items = 60;
    const run = await createRunFixture({ label: 'fault-store', redisUrl, baseUrl: simulator.baseUrl, items, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(redisUrl, run.prefix);
    const datasetDir = join(run.spec.output.dir, datasetFolder(run.spec.name, run.spec.runId));
    try {
      // A plain file where the dataset folder must go: every write under it fails (ENOTDIR) as a real outage would,
      // while the per-item staging area elsewhere in the store keeps working.
      await mkdir(dirname(datasetDir), { recursive: true });
      await writeFile(datasetDir, 'the store is down');
      fleet.spawn();
      const choicesBefore = simulator.stats().completionsReturned;
      await run.submit();
      let failedAttempts = 0;
      for (let polls = 0; failedAttempts < 2; polls++) {
        if (polls > 600) throw new Error('publication never failed against the blocked store');
        failedAttempts = (fleet.workers[0]?.stderrTail().match(/"queue":"publish".*"msg":"job attempt failed"/g) ?? []).length;
        await sleep(50);
      }
      expect((await run.clients.runs.get(run.spec.runId))?.state).toBe('publishing');
      await rm(datasetDir);
      await waitForPublication(run.clients.runs, run.spec.runId, 50);

      const dataset = await run.readDataset();
      const figures = accountRun('artifact store down during publication', dataset, simulator, choicesBefore);
      reportScenario({ ...figures, notes: `${failedAttempts} publish attempts failed first` });
      expect(figures.itemsIn).toBe(items);
      expect(figures.itemsOut).toBe(items);
      expect(figures.duplicates).toBe(0);
      expect(figures.extraCalls).toBe(0);
      // Exactly the files the manifest lists, plus the manifest: nothing half-written left beside them.
      const listed = dataset.manifest.files.map((f) => f.path).sort();
      expect((await readdir(datasetDir)).sort()).toEqual([...listed, 'manifest.json'].sort());
    } finally {
      await fleet.stopAll();
      await run.clients.close();
    }
  });
});
