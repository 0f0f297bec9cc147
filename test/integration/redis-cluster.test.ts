import { watch, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueueClients } from '../../cli/queue-clients.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { submitEval } from '../../producers/submit-eval.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { evalResultKey } from '../../shared/eval/eval-keys.js';
import { parseEvalResult } from '../../shared/eval/eval-result.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec } from '../../shared/eval/eval-spec.js';
import { createLogger } from '../../shared/logger.js';
import { distillShard } from '../../shared/queue/distill-shard.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { isCluster } from '../../shared/queue/redis-connection.js';
import { startWorkers } from '../../workers/start-workers.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { SAMPLING, waitForDone, WorkerFleet } from '../faults/fault-harness.js';
import { startLocalRedisCluster, type LocalRedisCluster } from '../helpers/local-redis-cluster.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';

const SHARDS = 3;

/** Keys matching `pattern` per master node (SCAN on each master: a cluster's keys are spread over them). */
async function keysPerMaster(cluster: Cluster, pattern: string): Promise<string[][]> {
  return Promise.all(
    cluster.nodes('master').map(async (node) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      return keys;
    }),
  );
}

describe('Redis Cluster: 3 masters, 2 worker processes, 3 distill queue shards', () => {
  let cluster: LocalRedisCluster;
  let simulator: RunningSimulator;
  beforeAll(async () => {
    [cluster, simulator] = await Promise.all([startLocalRedisCluster(3), startSimulator({ seed: 23, latency: { ttftMs: 25, perTokenMs: 0.5, jitter: 0.2 } })]);
  });
  afterAll(async () => {
    await simulator.close();
    await cluster.stop();
  });

  it('spreads the distill jobs over the nodes, survives a worker SIGKILL, and publishes once with counts that reconcile', { timeout: 120_000 }, async () => {
    const items = 60;
    const run = await createRunFixture({ label: 'cluster', redisUrl: cluster.url, redisMode: 'cluster', queueShards: SHARDS, baseUrl: simulator.baseUrl, items, withBadLines: true, spec: { sampling: SAMPLING } });
    const fleet = WorkerFleet.forRun(cluster.url, run.prefix, { S2D_REDIS_MODE: 'cluster', S2D_QUEUE_SHARDS: String(SHARDS) });
    // Every rename into place of a manifest.json under the output directory (the local store writes a temp file and
    // renames it into place: one `rename` event per write; inotify may add a `change` for the same write).
    const outDir = join(run.dir, 'out');
    await mkdir(outDir, { recursive: true });
    const manifestWrites: string[] = [];
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(outDir, { recursive: true }, (event, file) => {
        if (event === 'rename' && file !== null && basename(file) === 'manifest.json') manifestWrites.push(file);
      });
      const redis = run.clients.redis;
      if (!isCluster(redis)) throw new Error('the fixture did not open a cluster client');
      // Every node connection has s2d's options: blocking commands survive reconnects, and the socket error guard.
      for (const node of redis.nodes('master')) {
        expect(node.options.maxRetriesPerRequest).toBeNull();
        expect(node.options.Connector?.name).toBe('GuardedStandaloneConnector');
      }

      // Enqueued before any worker runs, so the shards' backlogs can be counted.
      const submitted = await run.submit();
      expect(submitted.enqueued).toBe(items);
      const perShard = await Promise.all(run.clients.distillQueues.all.map(async (queue) => (await queue.getJobCounts('wait')).wait ?? 0));
      const expected = [0, 0, 0];
      for (let index = 0; index < items; index++) {
        const shard = distillShard(run.spec.runId, index, SHARDS);
        expected[shard] = (expected[shard] ?? 0) + 1;
      }
      expect(perShard).toEqual(expected);
      expect(perShard.every((count) => count > 0)).toBe(true);
      // The shards' queues live on more than one master: their keys (hash-tagged per queue) are found on several nodes.
      const queueKeys = await keysPerMaster(redis, `${run.prefix}:{distill*}:*`);
      expect(queueKeys.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
      // s2d's own per-run keys share the run's tag, so they sit on one node.
      const runKeys = await keysPerMaster(redis, `${run.prefix}:run:{${run.spec.runId}}*`);
      expect(runKeys.filter((keys) => keys.length > 0).length).toBe(1);

      fleet.spawn();
      fleet.spawn();
      await waitForDone(run.clients.runs, run.spec.runId, 15, 90_000);
      const victim = fleet.alive()[0];
      if (victim === undefined) throw new Error('no worker alive');
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      const record = await run.clients.runs.get(run.spec.runId);
      // Killed mid-run: items were left for the other worker (and its replacement) to take over.
      expect(record?.done ?? 0).toBeLessThan(items + run.badLines);
      fleet.spawn();

      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      const dataset = await run.readDataset();
      const inputs = items + run.badLines;
      expect(dataset.manifest.counts.inputs).toBe(inputs);
      expect(dataset.provenance.length + dataset.rejects.length).toBe(inputs);
      expect(dataset.manifest.counts.accepted + dataset.manifest.counts.rejected + dataset.manifest.counts.errored).toBe(inputs);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(new Set([...dataset.provenance, ...dataset.rejects].map((record) => record.index)).size).toBe(inputs);
      expect(dataset.chatLines.length).toBe(dataset.manifest.counts.accepted);
      const published = await run.clients.runs.get(run.spec.runId);
      expect(published).toMatchObject({ state: 'published', done: inputs, version: 1 });
      // Give the watcher a moment for late events, then: the manifest was written exactly once.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(manifestWrites).toEqual([`${run.spec.name}/${run.spec.runId}/manifest.json`]);
      // Redis keeps no finished work: no job left in any shard, no call cache left.
      expect(await run.clients.distillQueues.getJobCounts('wait', 'active', 'delayed', 'failed')).toEqual({ wait: 0, active: 0, delayed: 0, failed: 0 });
      expect((await keysPerMaster(redis, `${run.prefix}:cache:*`)).flat()).toEqual([]);
      // No script or transaction met keys in different slots, and no worker logged an error (pino level 50).
      const logs = fleet.workers.map((worker) => worker.stderrTail()).join('\n');
      expect(logs).not.toMatch(/CROSSSLOT|"level":50/);
    } finally {
      watcher?.close();
      await fleet.stopAll();
      await run.clients.close();
    }
  });

  it('runs an eval on the cluster with in-process workers (the eval hash and bitmap share its tag; the index is global)', { timeout: 60_000 }, async () => {
    const prefix = isolatedPrefix('cluster-eval');
    const dir = await mkdtemp(join(tmpdir(), 's2d-cluster-eval-'));
    await writeTaskFiles({ family: 'arithmetic', count: 20, seed: 9, dir, name: 'arith' });
    const clients = await openQueueClients(cluster.url, prefix, { mode: 'cluster', queueShards: SHARDS });
    const evalQueue = new Queue(EVAL_QUEUE, queueOptions(clients.redis, prefix, EVAL_QUEUE));
    const evals = new EvalRunStore(clients.redis, prefix);
    const workers = startWorkers({ redisUrl: cluster.url, redisMode: 'cluster', queueShards: SHARDS, prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    try {
      const spec = await resolveEvalSpec(
        evalSpecSchema.parse({ name: 'arith', input: 'arith.inputs.jsonl', labels: 'arith.labels.jsonl', answerType: 'number', strategy: 'system1', model: { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl }, output: { dir: 'out' } }),
        { baseDir: dir, defaultBaseUrl: undefined },
      );
      const store = openArtifactStore(spec.output.dir);
      await submitEval(spec, { evals, evalQueue, store });
      let bytes: Uint8Array | null = null;
      for (let i = 0; i < 600 && bytes === null; i++) {
        bytes = await store.get(evalResultKey(spec.evalId));
        if (bytes === null) await sleep(50);
      }
      if (bytes === null) throw new Error(`eval ${spec.evalId} did not finish`);
      const result = parseEvalResult(JSON.parse(new TextDecoder().decode(bytes)), spec.evalId);
      expect(result.metrics.items).toBe(20);
      expect(await evals.list()).toEqual([spec.evalId]);
      expect((await evals.get(spec.evalId))?.state).toBe('finalised');
    } finally {
      await workers.close(false);
      await evalQueue.close();
      await clients.close();
    }
  });
});
