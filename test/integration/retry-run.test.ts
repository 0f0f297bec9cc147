import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DistillQueues } from '../../shared/queue/distill-queues.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { retryRun } from '../../producers/retry-run.js';
import { datasetFolder, latestKey, manifestKey } from '../../shared/dataset/dataset-layout.js';
import { parseManifest } from '../../shared/dataset/manifest.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { itemCacheKey } from '../../shared/runs/run-keys.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { DEFAULT_TEMPLATES } from '../../shared/strategies/templates.js';
import { createRunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const redisUrl = inject('redisUrl');
const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const MARKER = 'ANSWER-STEP-FAILS';
const SAMPLES = 4;

// A run whose every item errored (the endpoint failed every answer call; each item's rephrase call had been paid) is
// published with zero accepted; `s2d retry` runs the items again and publishes version 2, paying only the answer calls.
describe('s2d retry: a published run\'s errored items again, as a new dataset version', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 31, latency: { ttftMs: 2, perTokenMs: 0.05, jitter: 0 }, faults: { poisonMarker: MARKER } });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('re-enqueues the errored items with their call caches, publishes v2 linking v1, moves _LATEST, pays nothing twice', { timeout: 120_000 }, async () => {
    const items = 12;
    const run = await createRunFixture({
      label: 'retry',
      redisUrl,
      baseUrl: simulator.baseUrl,
      items,
      // Only the answer step's prompt carries the marker: the rephrase calls succeed (and are cached), the answer
      // calls fail with 500, and with one attempt every item ends errored.
      spec: { maxAttempts: 1, templates: { rar2Answer: `${DEFAULT_TEMPLATES.rar2Answer} (${MARKER})` }, sampling: { samples: SAMPLES, temperature: 0.8, maxTokens: 256, seed: 3 } },
    });
    const worker = spawnWorkerProcess(workerEnv(redisUrl, run.prefix));
    try {
      await run.submit();
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const v1Key = manifestKey(run.spec.name, run.spec.runId);
      const v1Bytes = await run.store.get(v1Key);
      const v1 = parseManifest(v1Bytes ?? '');
      expect(v1.counts).toMatchObject({ inputs: items, accepted: 0, errored: items });
      expect(v1.version).toBeUndefined();
      // Errored items keep the completions they paid for (one rephrase request of SAMPLES choices each).
      expect(await run.clients.redis.exists(...Array.from({ length: items }, (_, i) => itemCacheKey(run.prefix, run.spec.runId, i)))).toBe(items);
      const paidV1 = simulator.stats().completionsReturned;
      expect(paidV1).toBe(items * SAMPLES);

      simulator.setFaults({});
      // A retry interrupted after the run was reopened (its jobs never added) ...
      const crashing = { addBulk: () => Promise.reject(new Error('crashed before enqueuing')) } as unknown as DistillQueues;
      await expect(retryRun(run.spec.runId, { runs: run.clients.runs, distillQueues: crashing, store: run.store })).rejects.toThrow('crashed before enqueuing');
      expect(await run.clients.runs.get(run.spec.runId)).toMatchObject({ state: 'running', version: 2, done: 0, errored: 0 });
      // ... is finished by running s2d retry again.
      const { stdout } = await exec(process.execPath, [BIN, 'retry', run.spec.runId, '--wait', '--json'], { env: workerEnv(redisUrl, run.prefix) });
      const outcome = JSON.parse(stdout) as { retried: number; version: number; resumed: boolean; previousManifest: string; status: { state: string; version: number } };
      expect(outcome).toMatchObject({ retried: items, version: 2, resumed: true, previousManifest: run.store.locate(v1Key), status: { state: 'published', version: 2 } });

      const v2Key = manifestKey(run.spec.name, run.spec.runId, 2);
      expect(v2Key).toBe(`${run.spec.name}/${run.spec.runId}/v2/manifest.json`);
      const v2 = parseManifest((await run.store.get(v2Key)) ?? '');
      expect(v2).toMatchObject({ runId: run.spec.runId, version: 2, previousManifest: run.store.locate(v1Key) });
      expect(v2.counts.inputs).toBe(items);
      expect(v2.counts.errored).toBe(0);
      expect(v2.counts.accepted + v2.counts.rejected).toBe(items);
      expect(await run.clients.runs.get(run.spec.runId)).toMatchObject({ state: 'published', version: 2, manifestLocation: run.store.locate(v2Key), previousManifest: run.store.locate(v1Key) });
      // Version 1 is untouched; _LATEST moved to version 2.
      expect(Buffer.from((await run.store.get(v1Key)) ?? new Uint8Array()).equals(Buffer.from(v1Bytes ?? new Uint8Array()))).toBe(true);
      const latest = JSON.parse(Buffer.from((await run.store.get(latestKey(run.spec.name))) ?? new Uint8Array()).toString('utf8')) as { manifest: string };
      expect(latest.manifest).toBe(run.store.locate(v2Key));
      // The errored results were retired for audit, and the new version's files sit in its own folder.
      expect(await run.store.exists(ItemResultStore.retiredKey(run.spec.runId, 0, 1))).toBe(true);
      for (const file of v2.files) expect(await run.store.exists(`${datasetFolder(run.spec.name, run.spec.runId, 2)}/${file.path}`)).toBe(true);
      // Nothing paid twice: the retry paid only the answer calls (SAMPLES a item); every rephrase came from the cache.
      expect(simulator.stats().completionsReturned - paidV1).toBe(items * SAMPLES);
      expect(await run.clients.redis.exists(itemCacheKey(run.prefix, run.spec.runId, 0))).toBe(0);

      // A published run with no errored item has nothing to retry.
      const again = JSON.parse((await exec(process.execPath, [BIN, 'retry', run.spec.runId, '--json'], { env: workerEnv(redisUrl, run.prefix) })).stdout) as { retried: number };
      expect(again.retried).toBe(0);
    } finally {
      await worker.stop(5_000);
      await run.clients.close();
    }
  });
});
