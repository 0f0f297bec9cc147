/**
 * What the pipeline costs over the calls it makes. On the same items, spec (rar2 × 8), concurrency (32 items at
 * once) and simulator, side by side in one run, at zero latency and at a realistic one:
 * - the whole pipeline: producer, BullMQ, 2 `s2d worker` processes × 16 items, Redis call cache, fleet limiter,
 *   store and publication;
 * - a bare in-process promise pool of 32 running the same item program through the production sampler and `openai`
 *   client, each item behind an in-memory call cache (no Redis, no queue, no limiter, no store).
 * Also, for the pipeline runs: Redis commands per item from Redis's own `INFO commandstats` (commands run by Lua
 * scripts included), socket reads per item (`total_reads_processed`: a lower bound
 * on round trips, since commands from one connection that arrive together, pipelined or concurrent, are one read), and CPU per item of the workers, of Redis and
 * of this process (producer + simulator; for the bare pool, pool + simulator). Printed, never asserted.
 *
 * Standalone: `node --import tsx bench/pipeline-overhead.ts` (BENCH_OVERHEAD_ITEMS items per setup, default 300);
 * `npm run bench` runs it too. Linux only (reads /proc for the workers' CPU time).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Queue } from 'bullmq';
import type { RedisConnection } from '../shared/queue/redis-connection.js';
import { spawnWorkerProcess, type WorkerProcess } from '../cli/spawn-worker-process.js';
import { startLocalRedis } from '../infra/redis/local-redis.js';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import type { SimulatorOptionsInput } from '../infra/simulator/simulator-options.js';
import { MemoryCallCache } from '../shared/llm/call-cache.js';
import { createOpenAiClient } from '../shared/llm/openai-sampler.js';
import type { DistillJob } from '../shared/queue/job-payloads.js';
import type { RunStore } from '../shared/runs/run-store.js';
import { getStrategy, resolveTemplates } from '../shared/strategies/strategy-registry.js';
import { itemSampler } from '../workers/endpoint-access.js';
import { runItemProgram } from '../workers/distill/run-item-program.js';
import { createRunFixture, type RunFixture } from '../test/helpers/run-fixture.js';
import { diffCommandStats, infoField, parseCommandStats, procStatCpuTicks, topCommandsPerItem, totalCalls } from './redis-commandstats.js';

const WORKERS = 2;
const PER_WORKER = 16;
/** The bare pool's width: as many items at once as the fleet runs. */
const POOL = WORKERS * PER_WORKER;

type Simulator = Awaited<ReturnType<typeof startSimulator>>;
type Latency = NonNullable<SimulatorOptionsInput['latency']>;
/** The strategy both sides run (a built-in one, so the bare pool can look it up by name). */
const STRATEGY = 'rar2';

interface Measured {
  seconds: number;
  itemsPerSecond: number;
  requestsPerItem: number;
  /** CPU seconds of this process (simulator, plus the producer or the bare pool) per item. */
  selfCpuPerItem: number;
}

interface PipelineMeasured extends Measured {
  commandsPerItem: number;
  roundTripsPerItem: number;
  top: { name: string; perItem: number }[];
  workerCpuPerItem: number;
  redisCpuPerItem: number;
}

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100; // Linux's USER_HZ almost everywhere
  }
})();

async function cpuSeconds(pid: number): Promise<number> {
  return procStatCpuTicks(await readFile(`/proc/${pid}/stat`, 'utf8')) / CLOCK_TICKS;
}

function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function fixture(label: string, redisUrl: string, simulator: Simulator, items: number): Promise<RunFixture> {
  return createRunFixture({
    label,
    redisUrl,
    baseUrl: simulator.baseUrl,
    items,
    spec: {
      strategy: STRATEGY,
      model: { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl, useN: 'auto' },
      sampling: { samples: 8, temperature: 0.8, maxTokens: 512, seed: 1 },
    },
  });
}

/**
 * Resolves once `workers.length` distill workers are connected to `queue` (BullMQ names their connections), plus a
 * moment for the last one's first poll. A worker's start-up (loading its modules, several CPU seconds through tsx on
 * a busy machine) would otherwise be counted as CPU per item and shift the items/s clock.
 */
async function waitForWorkers(queue: Queue, workers: WorkerProcess[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queue.getWorkersCount()) < workers.length) {
    const gone = workers.find((worker) => worker.child.exitCode !== null || worker.child.signalCode !== null);
    if (gone !== undefined) throw new Error(`a worker exited during start-up: ${gone.stderrTail()}`);
    if (Date.now() > deadline) throw new Error(`the workers did not connect within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Polls the run's state every 20 ms (one HMGET each) until it is published; returns how many polls it made. */
async function pollUntilPublished(runs: RunStore, runId: string): Promise<number> {
  for (let polls = 1; ; polls++) {
    const state = (await runs.control(runId))?.state;
    if (state === 'published') return polls;
    if (state === undefined || state === 'failed') throw new Error(`run ${runId} failed: ${(await runs.get(runId))?.error ?? 'it disappeared'}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function measurePipeline(redisUrl: string, redis: RedisConnection, simulator: Simulator, items: number): Promise<PipelineMeasured> {
  const run = await fixture('overhead-pipeline', redisUrl, simulator, items);
  const workers = Array.from({ length: WORKERS }, () =>
    spawnWorkerProcess({ ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: run.prefix, S2D_LOG_LEVEL: 'warn', S2D_WORKER_CONCURRENCY: String(PER_WORKER) }),
  );
  try {
    // Process start-up is not throughput: the clock and the CPU counters start once every worker takes jobs.
    // Every worker consumes every shard, so shard 0 sees them all.
    const shard0 = run.clients.distillQueues.all[0];
    if (shard0 === undefined) throw new Error('no distill queue');
    await waitForWorkers(shard0, workers);
    const pids = workers.map((worker) => {
      if (worker.child.pid === undefined) throw new Error(`a worker did not start: ${worker.stderrTail()}`);
      return worker.child.pid;
    });
    const redisPid = infoField(await redis.info('server'), 'process_id');
    const workerCpu = async (): Promise<number> => (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
    await redis.config('RESETSTAT');
    const [cpuBefore, redisCpuBefore, selfBefore, requestsBefore] = [await workerCpu(), await cpuSeconds(redisPid), selfCpuSeconds(), simulator.stats().requests];
    const commandsBefore = parseCommandStats(await redis.info('commandstats'));
    const readsBefore = infoField(await redis.info('stats'), 'total_reads_processed');
    const started = process.hrtime.bigint();
    await run.submit();
    const polls = await pollUntilPublished(run.clients.runs, run.spec.runId);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const commands = diffCommandStats(commandsBefore, parseCommandStats(await redis.info('commandstats')));
    // The bench's own polling is not the pipeline's work: one HMGET per poll, taken out of the counts.
    commands.set('hmget', (commands.get('hmget') ?? 0) - polls);
    const reads = infoField(await redis.info('stats'), 'total_reads_processed') - readsBefore;
    return {
      seconds,
      itemsPerSecond: items / seconds,
      requestsPerItem: (simulator.stats().requests - requestsBefore) / items,
      selfCpuPerItem: (selfCpuSeconds() - selfBefore) / items,
      // The bench's own INFO and CONFIG calls are in these counts: a handful per run, not per item.
      commandsPerItem: totalCalls(commands) / items,
      roundTripsPerItem: reads / items,
      top: topCommandsPerItem(commands, items, 10),
      workerCpuPerItem: ((await workerCpu()) - cpuBefore) / items,
      redisCpuPerItem: ((await cpuSeconds(redisPid)) - redisCpuBefore) / items,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await run.clients.close();
  }
}

/** The same items through the same item program and sampler, `POOL` at a time, with nothing around them. */
async function measureBare(redisUrl: string, simulator: Simulator, items: number): Promise<Measured> {
  // The fixture only writes the same items and resolves the same spec; nothing is submitted.
  const run = await fixture('overhead-bare', redisUrl, simulator, items);
  await run.clients.close();
  const payloads: DistillJob[] = (await readFile(run.spec.input, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      const { id, prompt } = JSON.parse(line) as { id: string; prompt: string };
      return { runId: run.spec.runId, index, line: index + 1, id, prompt, answerType: run.spec.answerType };
    });
  const context = { spec: run.spec, strategy: getStrategy(STRATEGY), templates: resolveTemplates(run.spec.templates).templates };
  const sampling = {
    spec: run.spec,
    client: createOpenAiClient({ baseUrl: simulator.baseUrl, apiKey: 'no-key', timeoutMs: run.spec.model.timeoutMs }),
    nSupport: { honoured: undefined },
  };
  const requestsBefore = simulator.stats().requests;
  const selfBefore = selfCpuSeconds();
  const started = process.hrtime.bigint();
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let position = next++; position < payloads.length; position = next++) {
      const payload = payloads[position];
      if (payload !== undefined) await runItemProgram(context, payload, itemSampler(sampling, new MemoryCallCache()));
    }
  };
  await Promise.all(Array.from({ length: POOL }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    seconds,
    itemsPerSecond: items / seconds,
    requestsPerItem: (simulator.stats().requests - requestsBefore) / items,
    selfCpuPerItem: (selfCpuSeconds() - selfBefore) / items,
  };
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(2)} ms`;

async function measureAt(name: string, latency: Latency, redisUrl: string, redis: RedisConnection, items: number): Promise<void> {
  // Capacity well above 32 items × 8 choices, so the endpoint never queues: both sides see the same free server.
  const simulator = await startSimulator({ seed: 1, latency, maxConcurrentSequences: 4096 });
  try {
    const bare = await measureBare(redisUrl, simulator, items);
    const pipeline = await measurePipeline(redisUrl, redis, simulator, items);
    console.log(`  ${name}`);
    console.log('    setup                                  items/s   requests/item   this process CPU/item');
    console.log(`    bare promise pool (${POOL} items at once)     ${bare.itemsPerSecond.toFixed(1).padStart(7)}   ${bare.requestsPerItem.toFixed(2).padStart(13)}   ${ms(bare.selfCpuPerItem).padStart(21)}`);
    console.log(`    pipeline (${WORKERS} workers × ${PER_WORKER})                 ${pipeline.itemsPerSecond.toFixed(1).padStart(7)}   ${pipeline.requestsPerItem.toFixed(2).padStart(13)}   ${ms(pipeline.selfCpuPerItem).padStart(21)}`);
    console.log(`    pipeline / bare: ${(pipeline.itemsPerSecond / bare.itemsPerSecond).toFixed(2)}x items/s`);
    console.log(`    pipeline CPU per item: workers ${ms(pipeline.workerCpuPerItem)} (all ${WORKERS} together), redis-server ${ms(pipeline.redisCpuPerItem)}`);
    console.log(`    Redis per item: ${pipeline.commandsPerItem.toFixed(1)} commands (incl. those run by Lua scripts), ${pipeline.roundTripsPerItem.toFixed(1)} socket reads (≈ round trips; a lower bound: commands arriving together are one read)`);
    console.log(`    top commands per item: ${pipeline.top.map((c) => `${c.name} ${c.perItem.toFixed(1)}`).join(', ')}\n`);
  } finally {
    await simulator.close();
  }
}

/** Runs both comparisons against `redisUrl` (its command statistics are reset) and prints them. */
export async function printPipelineOverhead(redisUrl: string, redis: RedisConnection, items: number): Promise<void> {
  const started = Date.now();
  console.log(`pipeline overhead — ${items} last-letter items, rar2 × 8 samples, ${POOL} items at once, same simulator`);
  await measureAt('zero latency', { ttftMs: 0, perTokenMs: 0, jitter: 0 }, redisUrl, redis, items);
  await measureAt('latency 60 ms + 4 ms/token', { ttftMs: 60, perTokenMs: 4, jitter: 0.2 }, redisUrl, redis, items);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { createRedisConnection } = await import('../shared/queue/redis-connection.js');
  const local = await startLocalRedis();
  const probe = createRedisConnection(local.url, () => undefined);
  try {
    await printPipelineOverhead(local.url, probe, Number(process.env.BENCH_OVERHEAD_ITEMS ?? 300));
  } finally {
    probe.disconnect();
    await local.stop();
  }
}
