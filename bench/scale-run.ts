/**
 * One large run through the real pipeline, watched from outside: the producer is `s2d submit` as a child process,
 * the workers are `s2d worker` processes, the LLM is the simulator over HTTP and the dataset goes to the local
 * artifact store. While it runs, Redis `used_memory` and every process's resident memory are sampled, and the
 * publication phase (run state `publishing` until `published`) is timed and watched on its own.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { RedisConnection } from '../shared/queue/redis-connection.js';
import { openQueueClients } from '../cli/queue-clients.js';
import { packageRoot } from '../cli/package-root.js';
import { spawnWorkerProcess } from '../cli/spawn-worker-process.js';
import { isolatedPrefix } from '../test/helpers/isolated-prefix.js';
import { usedMemory } from './redis-footprint.js';
import { processMemory } from './process-memory.js';

/** The cheapest spec that still runs the whole item program: System 1, one sample, a short answer. */
export function scaleSpec(options: { runId: string; input: string; baseUrl: string; outputDir: string }): Record<string, unknown> {
  return {
    runId: options.runId,
    name: 'scale',
    input: options.input,
    answerType: 'letters',
    strategy: 'system1',
    model: { name: 'sim-llama-2-70b-chat', baseUrl: options.baseUrl },
    sampling: { samples: 1, temperature: 0, maxTokens: 64, seed: 1 },
    curation: { minAgreement: 0.5 },
    output: { dir: options.outputDir },
  };
}

export interface ScaleRunOptions {
  label: string;
  redisUrl: string;
  baseUrl: string;
  /** The JSONL input (already written) and how many items it holds. */
  input: string;
  items: number;
  /** Scratch folder for the spec and the published dataset. */
  dir: string;
  workers: number;
  /** Items each worker process runs at once (S2D_WORKER_CONCURRENCY). */
  perWorker: number;
  /** The producer's backlog bound (S2D_MAX_BACKLOG). */
  maxBacklog: number;
  /** How often Redis memory, process memory and the run state are sampled, ms. Default 100. */
  sampleMs?: number;
}

export interface ScaleRunResult {
  seconds: number;
  itemsPerSecond: number;
  /** Seconds from `publishing` to `published`. */
  publishSeconds: number;
  redis: { baselineBytes: number; peakBytes: number; afterBytes: number; redisPeakBytes: number };
  /** The keys under the run's prefix after publication, and their size (`MEMORY USAGE`, every element counted). */
  keysLeft: { count: number; bytes: number };
  producerHwmBytes: number;
  /** Each worker's high-water mark over the whole run. */
  workerHwmBytes: number[];
  /** Each worker's RSS when publication began and its highest sampled RSS until it ended. */
  workerPublishRss: { startBytes: number; peakBytes: number }[];
}

async function keysUnder(connection: RedisConnection, prefix: string): Promise<{ count: number; bytes: number }> {
  // The bench starts its own standalone redis-server; SCAN on a cluster would have to visit every master.
  if (!(connection instanceof Redis)) throw new Error('the scale bench counts keys on a standalone Redis only');
  const redis = connection;
  let count = 0;
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    for (const key of keys) {
      count += 1;
      bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    }
  } while (cursor !== '0');
  return { count, bytes };
}

/** Bytes of the Redis INFO memory field `name`. */
async function memoryField(redis: RedisConnection, name: string): Promise<number> {
  return Number(new RegExp(`${name}:(\\d+)`).exec(await redis.info('memory'))?.[1] ?? 0);
}

export async function runAtScale(options: ScaleRunOptions): Promise<ScaleRunResult> {
  const prefix = isolatedPrefix(options.label);
  const runId = `${options.label}-${prefix.slice(-8)}`;
  const specPath = join(options.dir, `${options.label}.spec.json`);
  await writeFile(specPath, JSON.stringify(scaleSpec({ runId, input: options.input, baseUrl: options.baseUrl, outputDir: join(options.dir, `${options.label}-out`) })));
  const clients = await openQueueClients(options.redisUrl, prefix);
  const env = { ...process.env, REDIS_URL: options.redisUrl, S2D_PREFIX: prefix, S2D_LOG_LEVEL: 'warn', S2D_WORKER_CONCURRENCY: String(options.perWorker), S2D_MAX_BACKLOG: String(options.maxBacklog) };
  const workers = Array.from({ length: options.workers }, () => spawnWorkerProcess(env));
  try {
    // Process start-up is not throughput, and the baseline is Redis with the fleet up and no run.
    await sleep(2_000);
    const pids = workers.map((worker) => {
      if (worker.child.pid === undefined || worker.child.exitCode !== null) throw new Error(`a worker did not start: ${worker.stderrTail()}`);
      return worker.child.pid;
    });
    const baselineBytes = await usedMemory(clients.redis);
    const started = process.hrtime.bigint();
    const producer = spawn(process.execPath, [join(packageRoot(), 'bin', 's2d.mjs'), 'submit', specPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let producerOutput = '';
    producer.stderr.on('data', (chunk: Buffer) => (producerOutput = (producerOutput + chunk.toString()).slice(-4_000)));
    producer.stdout.resume();
    const producerExit = new Promise<number | null>((resolve) => producer.once('exit', resolve));
    let producerHwm = 0;
    let peakBytes = baselineBytes;
    let publishStart = 0n;
    let publishEnd = 0n;
    const workerHwm = pids.map(() => 0);
    const publishRss = pids.map(() => ({ startBytes: 0, peakBytes: 0 }));
    for (;;) {
      const [redisBytes, state, producerMemory, workerMemory] = await Promise.all([
        usedMemory(clients.redis),
        clients.runs.getState(runId),
        producer.pid === undefined ? null : processMemory(producer.pid),
        Promise.all(pids.map(processMemory)),
      ]);
      peakBytes = Math.max(peakBytes, redisBytes);
      if (producerMemory !== null) producerHwm = Math.max(producerHwm, producerMemory.hwmBytes);
      const publishing = state === 'publishing';
      if (publishing && publishStart === 0n) publishStart = process.hrtime.bigint();
      workerMemory.forEach((memory, i) => {
        if (memory === null) throw new Error(`worker ${i} exited during the run: ${workers[i]?.stderrTail() ?? ''}`);
        workerHwm[i] = Math.max(workerHwm[i] ?? 0, memory.hwmBytes);
        const during = publishRss[i];
        if (during !== undefined && (publishing || state === 'published') && publishStart !== 0n) {
          if (during.startBytes === 0) during.startBytes = memory.rssBytes;
          during.peakBytes = Math.max(during.peakBytes, memory.rssBytes);
        }
      });
      if (state === 'published') {
        publishEnd = process.hrtime.bigint();
        break;
      }
      if (state === 'failed') throw new Error(`run ${runId} failed: ${(await clients.runs.get(runId))?.error ?? '?'}`);
      if (producer.exitCode !== null && producer.exitCode !== 0) throw new Error(`s2d submit exited with ${producer.exitCode}: ${producerOutput}`);
      await sleep(options.sampleMs ?? 100);
    }
    const seconds = Number(publishEnd - started) / 1e9;
    if ((await producerExit) !== 0) throw new Error(`s2d submit failed: ${producerOutput}`);
    // Completed jobs are removed as they finish and the run's keys expire or shrink at publication: give BullMQ's
    // last removals a moment before reading what stays.
    await sleep(1_000);
    const afterBytes = await usedMemory(clients.redis);
    const redisPeakBytes = await memoryField(clients.redis, 'used_memory_peak');
    return {
      seconds,
      itemsPerSecond: options.items / seconds,
      publishSeconds: publishStart === 0n ? 0 : Number(publishEnd - publishStart) / 1e9,
      redis: { baselineBytes, peakBytes, afterBytes, redisPeakBytes },
      keysLeft: await keysUnder(clients.redis, prefix),
      producerHwmBytes: producerHwm,
      workerHwmBytes: workerHwm,
      workerPublishRss: publishRss,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await clients.close();
  }
}
