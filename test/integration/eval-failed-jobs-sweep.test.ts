import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openQueueClients } from '../../cli/queue-clients.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { submitEval } from '../../producers/submit-eval.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { evalResultKey } from '../../shared/eval/eval-keys.js';
import { parseEvalResult } from '../../shared/eval/eval-result.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec } from '../../shared/eval/eval-spec.js';
import { createLogger } from '../../shared/logger.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { startWorkers } from '../../workers/start-workers.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');

describe('eval jobs BullMQ fails for good', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 6 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('become errored items, so the eval still finalises and its counts reconcile', async () => {
    const prefix = isolatedPrefix('evalsweep');
    const dir = await mkdtemp(join(tmpdir(), 's2d-evalsweep-'));
    await writeTaskFiles({ family: 'coin-flip', count: 10, seed: 1, dir, name: 'coins' });
    const spec = await resolveEvalSpec(
      evalSpecSchema.parse({ input: 'coins.inputs.jsonl', labels: 'coins.labels.jsonl', answerType: 'yes-no', model: { name: 'sim' }, output: { dir: 'out' }, maxAttempts: 1 }),
      { baseDir: dir, defaultBaseUrl: simulator.baseUrl },
    );
    const clients = await openQueueClients(redisUrl, prefix);
    const evalQueue = new Queue(EVAL_QUEUE, queueOptions(clients.redis, prefix, EVAL_QUEUE));
    const evals = new EvalRunStore(clients.redis, prefix);
    const store = openArtifactStore(spec.output.dir);
    try {
      await submitEval(spec, { evals, evalQueue, store });
      // A worker that fails even items on their only attempt and hangs on odd ones until its locks lapse.
      const crashing = new Worker(
        EVAL_QUEUE,
        (job) => ((job.data as { index: number }).index % 2 === 0 ? Promise.reject(new Error('storage unavailable')) : new Promise(() => undefined)),
        { connection: { url: redisUrl }, prefix, concurrency: 10, lockDuration: 1_000, stalledInterval: 200 },
      );
      while ((await evalQueue.getFailedCount()) < 5) await sleep(20);
      await crashing.close(true);

      const workers = startWorkers({ redisUrl, prefix, concurrency: 4, lockDurationMs: 1_000, stalledIntervalMs: 200, logger: createLogger('silent') });
      let bytes: Uint8Array | null = null;
      for (let i = 0; i < 400 && bytes === null; i++) {
        bytes = await store.get(evalResultKey(spec.evalId));
        if (bytes === null) await sleep(50);
      }
      await workers.close(false);
      if (bytes === null) throw new Error('eval did not finalise');
      const result = parseEvalResult(JSON.parse(new TextDecoder().decode(bytes)), 'result');
      expect(result.metrics.items).toBe(10);
      expect(result.metrics.errored).toBe(5);
      expect(await evals.get(spec.evalId)).toMatchObject({ state: 'finalised', total: 10, done: 10, errored: 5 });
      expect(await evalQueue.getFailedCount()).toBe(0);
    } finally {
      await evalQueue.close();
      await clients.close();
    }
  });
});
