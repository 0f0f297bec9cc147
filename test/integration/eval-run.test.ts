import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openQueueClients, type QueueClients } from '../../cli/queue-clients.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { submitEval } from '../../producers/submit-eval.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { evalResultKey } from '../../shared/eval/eval-keys.js';
import { parseEvalResult, type EvalResult } from '../../shared/eval/eval-result.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { evalSpecSchema, resolveEvalSpec, type EvalSpecInput, type ResolvedEvalSpec } from '../../shared/eval/eval-spec.js';
import { createLogger } from '../../shared/logger.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { startWorkers, type RunningWorkers } from '../../workers/start-workers.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const redisUrl = inject('redisUrl');

/** A pass-through HTTP proxy in front of the simulator that keeps every request body: what the LLM was sent. */
async function recordingProxy(target: string): Promise<{ baseUrl: string; bodies: string[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body.toString('utf8'));
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('evaluation through the eval queue on a real redis-server', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let clients: QueueClients;
  let evalQueue: Queue;
  let evals: EvalRunStore;
  let workers: RunningWorkers;
  let dir: string;
  const prefix = isolatedPrefix('eval');

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 4 });
    proxy = await recordingProxy(simulator.baseUrl);
    dir = await mkdtemp(join(tmpdir(), 's2d-eval-'));
    await writeTaskFiles({ family: 'arithmetic', count: 120, seed: 9, dir, name: 'arith' });
    clients = await openQueueClients(redisUrl, prefix);
    evalQueue = new Queue(EVAL_QUEUE, queueOptions(clients.redis, prefix, EVAL_QUEUE));
    evals = new EvalRunStore(clients.redis, prefix);
    workers = startWorkers({ redisUrl, prefix, concurrency: 8, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await workers.close(false);
    await evalQueue.close();
    await clients.close();
    await proxy.close();
    await simulator.close();
  });

  const spec = (input: Partial<EvalSpecInput>): Promise<ResolvedEvalSpec> =>
    resolveEvalSpec(
      evalSpecSchema.parse({
        name: 'arith',
        input: 'arith.inputs.jsonl',
        labels: 'arith.labels.jsonl',
        answerType: 'number',
        model: { name: 'sim-llama-2-70b-chat', baseUrl: proxy.baseUrl },
        output: { dir: 'out' },
        ...input,
      }),
      { baseDir: dir, defaultBaseUrl: undefined },
    );

  async function evaluate(resolved: ResolvedEvalSpec): Promise<EvalResult> {
    const store = openArtifactStore(resolved.output.dir);
    await submitEval(resolved, { evals, evalQueue, store });
    for (let i = 0; i < 600; i++) {
      const bytes = await store.get(evalResultKey(resolved.evalId));
      if (bytes !== null) return parseEvalResult(JSON.parse(new TextDecoder().decode(bytes)), resolved.evalId);
      await sleep(50);
    }
    throw new Error(`eval ${resolved.evalId} did not finish`);
  }

  it('System 1 vs CoT on arithmetic: CoT is far more accurate and spends far more generated tokens', async () => {
    const [system1, cot] = await Promise.all([evaluate(await spec({ strategy: 'system1' })), evaluate(await spec({ strategy: 'cot', prices: { inputPer1M: 1, outputPer1M: 2 } }))]);
    expect(system1.metrics.items).toBe(120);
    expect(cot.metrics.items).toBe(120);
    expect(cot.metrics.accuracy).toBeGreaterThan(system1.metrics.accuracy + 0.25);
    expect(cot.metrics.tokensPerItem).toBeGreaterThan(20 * system1.metrics.tokensPerItem);
    expect(cot.metrics.callsPerItem).toBe(1);
    expect(cot.metrics.cost?.perItem).toBeGreaterThan(0);
    expect(system1.metrics.cost).toBeUndefined();
    expect(cot.breakdowns.task?.arithmetic?.items).toBe(120);
    expect(system1.simulator).toBe(true);
    expect(cot.strategy).toMatchObject({ name: 'cot', system: 2 });
  });

  it('re-submitting a finished eval enqueues nothing, pays for nothing and keeps the result', async () => {
    const resolved = await spec({ strategy: 'rar2', name: 'again' });
    const first = await evaluate(resolved);
    const requests = simulator.stats().requests;
    const store = openArtifactStore(resolved.output.dir);
    const again = await submitEval(resolved, { evals, evalQueue, store });
    expect(again).toMatchObject({ created: false, enqueued: 0, total: 120, complete: true });
    expect(simulator.stats().requests).toBe(requests);
    const stored = parseEvalResult(JSON.parse(await readFile(join(resolved.output.dir, evalResultKey(resolved.evalId)), 'utf8')), 'x');
    expect(stored).toEqual(first);
    expect(first.metrics.callsPerItem).toBe(2); // rar2: rephrase + answer, both counted
    const record = await evals.get(resolved.evalId);
    expect(record).toMatchObject({ state: 'finalised', total: 120, done: 120, errored: 0 });
  });

  it('labels (and their metadata) never reach any LLM request; per-variant accuracy comes from label metadata', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({
      id: `q${i}`,
      prompt: `Sam has ${10 + i} apples. Sam buys 5 more apples. Sam gives 3 apples to a neighbour. How many apples does Sam have now?`,
      answer: `${12 + i}`,
      variant: i % 2 === 0 ? 'canary-even' : 'canary-odd',
    }));
    await writeFile(join(dir, 'inline.jsonl'), `${lines.join('\n')}\n`);
    proxy.bodies.length = 0;
    const result = await evaluate(await spec({ name: 'inline', input: 'inline.jsonl', labels: undefined, strategy: 'cot', sampling: { samples: 3, temperature: 0.7 } }));
    expect(proxy.bodies.length).toBeGreaterThan(0);
    for (const body of proxy.bodies) {
      expect(body).not.toContain('canary');
      expect(body).not.toMatch(/"answer"/);
    }
    expect(Object.keys(result.breakdowns.variant ?? {})).toEqual(['canary-even', 'canary-odd']);
    expect(result.metrics.items).toBe(12);
    expect(result.samples).toBe(3);
  });
});
