/**
 * `npm run bench:scale`: scale runs, printed (never asserted). Each part starts its own private redis-server; the
 * simulator answers over HTTP at zero latency with room for every request, so the pipeline is the limit.
 *
 * 1. BENCH_SCALE_ITEMS items (default 100,000) through the whole pipeline — `s2d submit`, BullMQ, 2 `s2d worker`
 *    processes, simulator, publication to the local store — with Redis memory and every process's RSS sampled.
 * 2. The producer alone on BENCH_SCALE_PRODUCER_LINES lines (default 1,000,000): its RSS high-water mark.
 * 3. BENCH_SCALE_WORKER_ITEMS items (default 20,000) with 1, 2 and 4 worker processes: items/s and speed-up.
 *
 * Quick setting (about 2 minutes): BENCH_SCALE_ITEMS=5000 BENCH_SCALE_PRODUCER_LINES=100000 BENCH_SCALE_WORKER_ITEMS=2000.
 * Linux only (reads /proc). Run `npm run build` first to measure the compiled build, as deployed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../cli/package-root.js';
import { startLocalRedis } from '../infra/redis/local-redis.js';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../producers/write-task-files.js';
import { createRedisConnection } from '../shared/queue/redis-connection.js';
import { MiB } from './process-memory.js';
import { usedMemory } from './redis-footprint.js';
import { measureProducer } from './scale-producer.js';
import { runAtScale, type ScaleRunResult } from './scale-run.js';

const ITEMS = Number(process.env.BENCH_SCALE_ITEMS ?? 100_000);
const PRODUCER_LINES = Number(process.env.BENCH_SCALE_PRODUCER_LINES ?? 1_000_000);
const WORKER_ITEMS = Number(process.env.BENCH_SCALE_WORKER_ITEMS ?? 20_000);
/** Items each worker process runs at once. */
const PER_WORKER = 32;
/** The producer's backlog bound (S2D_MAX_BACKLOG's default). */
const MAX_BACKLOG = 2_000;

const KiB = (bytes: number): string => (bytes / 1024).toFixed(0);
const MiB1 = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1);

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

async function pipelineAtScale(simulator: Simulator, dir: string): Promise<void> {
  const files = await writeTaskFiles({ family: 'last-letter', count: ITEMS, seed: 7, dir, name: 'pipeline' });
  const redis = await startLocalRedis();
  try {
    console.log(`1) ${ITEMS} items through the pipeline: s2d submit -> BullMQ -> 2 \`s2d worker\` × ${PER_WORKER} items -> simulator over HTTP -> local store; backlog bound ${MAX_BACKLOG}`);
    const r = await runAtScale({ label: 'pipeline', redisUrl: redis.url, baseUrl: simulator.baseUrl, input: files.inputsPath, items: ITEMS, dir, workers: 2, perWorker: PER_WORKER, maxBacklog: MAX_BACKLOG });
    const probe = createRedisConnection(redis.url, () => undefined);
    await probe.flushall();
    const empty = await usedMemory(probe);
    probe.disconnect();
    const { baselineBytes, peakBytes, afterBytes, redisPeakBytes } = r.redis;
    console.log(`  items/s                        ${r.itemsPerSecond.toFixed(1)} (${r.seconds.toFixed(1)} s from submit to published; publication ${r.publishSeconds.toFixed(1)} s)`);
    console.log(`  Redis used_memory              idle fleet ${MiB1(baselineBytes)} MiB, peak ${MiB1(peakBytes)} MiB (Redis's own used_memory_peak ${MiB1(redisPeakBytes)} MiB), after publication ${MiB1(afterBytes)} MiB`);
    console.log(`  peak - idle                    ${MiB1(peakBytes - baselineBytes)} MiB for a backlog of ${MAX_BACKLOG} (${((peakBytes - baselineBytes) / MAX_BACKLOG).toFixed(0)} bytes per backlog item; ${((peakBytes - baselineBytes) / ITEMS).toFixed(1)} per run item)`);
    console.log(`  after publication              ${r.keysLeft.count} keys under the run's prefix, ${KiB(r.keysLeft.bytes)} KiB; the same server with no key at all (FLUSHALL): ${MiB1(empty)} MiB -> after - empty ${KiB(afterBytes - empty)} KiB`);
    console.log(`  producer (s2d submit) RSS      high-water ${MiB(r.producerHwmBytes)} MiB`);
    console.log(`  worker RSS                     high-water ${r.workerHwmBytes.map(MiB).join(' / ')} MiB`);
    console.log(`  worker RSS during publication  ${r.workerPublishRss.map((w) => `${MiB(w.startBytes)} -> peak ${MiB(w.peakBytes)}`).join(' / ')} MiB (start -> peak, each worker; one of them publishes)\n`);
  } finally {
    await redis.stop();
  }
}

async function producerAtScale(dir: string): Promise<void> {
  const started = Date.now();
  const files = await writeTaskFiles({ family: 'last-letter', count: PRODUCER_LINES, seed: 7, dir, name: 'producer' });
  console.log(`2) the producer alone: s2d submit streams ${PRODUCER_LINES} lines (written in ${((Date.now() - started) / 1000).toFixed(0)} s) into a private Redis`);
  console.log(`   no worker runs, so the backlog bound is set above the input (S2D_MAX_BACKLOG=${PRODUCER_LINES + 1}); the run is left undrained and that Redis is discarded`);
  const redis = await startLocalRedis();
  try {
    const r = await measureProducer({ redisUrl: redis.url, baseUrl: 'http://127.0.0.1:9/v1', input: files.inputsPath, lines: PRODUCER_LINES, dir });
    console.log(`  lines/s                        ${r.linesPerSecond.toFixed(0)} (${r.seconds.toFixed(1)} s, ${r.enqueued} enqueued)`);
    console.log(`  producer RSS                   high-water ${MiB(r.hwmBytes)} MiB (target < 200 MiB)`);
    console.log(`  Redis with every line queued   ${MiB(r.redisBytes)} MiB (${(r.redisBytes / PRODUCER_LINES).toFixed(0)} bytes per queued job: what the backlog bound saves)\n`);
  } finally {
    await redis.stop();
  }
}

async function workersAtScale(simulator: Simulator, dir: string): Promise<void> {
  const files = await writeTaskFiles({ family: 'last-letter', count: WORKER_ITEMS, seed: 7, dir, name: 'workers' });
  const redis = await startLocalRedis();
  try {
    console.log(`3) ${WORKER_ITEMS} items (the same ones each time) with 1, 2 and 4 worker processes × ${PER_WORKER} items; ${cpus().length} cores on this machine`);
    console.log('  workers   items/s   speed-up   Redis peak   worker RSS high-water');
    let base: ScaleRunResult | null = null;
    for (const workers of [1, 2, 4]) {
      const r = await runAtScale({ label: `w${workers}`, redisUrl: redis.url, baseUrl: simulator.baseUrl, input: files.inputsPath, items: WORKER_ITEMS, dir, workers, perWorker: PER_WORKER, maxBacklog: MAX_BACKLOG });
      base ??= r;
      console.log(`  ${String(workers).padStart(7)}   ${r.itemsPerSecond.toFixed(1).padStart(7)}   ${(r.itemsPerSecond / base.itemsPerSecond).toFixed(2).padStart(7)}x   ${MiB1(r.redis.peakBytes).padStart(6)} MiB   ${r.workerHwmBytes.map(MiB).join(' / ')} MiB`);
    }
    console.log('');
  } finally {
    await redis.stop();
  }
}

async function main(): Promise<void> {
  // The launcher's own rule for which code `s2d` runs (plain JavaScript without types, hence the cast).
  const { useBuild } = (await import(join(packageRoot(), 'bin', 'launch-mode.mjs'))) as { useBuild: (root: string, env: NodeJS.ProcessEnv) => boolean };
  const mode = useBuild(packageRoot(), process.env) ? 'the compiled build (dist/)' : 'the TypeScript sources through tsx (run `npm run build` to measure the build)';
  console.log(`s2d scale benchmarks — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()[0]?.toFixed(1) ?? '?'}`);
  console.log(`system1 × 1 sample on last-letter items; simulator at zero latency; s2d processes run ${mode}\n`);
  const dir = await mkdtemp(join(tmpdir(), 's2d-scale-'));
  const simulator = await startSimulator({ seed: 1, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, maxConcurrentSequences: 4_096 });
  try {
    const only = process.env.BENCH_SCALE_ONLY;
    if (only === undefined || only.includes('pipeline')) await pipelineAtScale(simulator, dir);
    if (only === undefined || only.includes('producer')) await producerAtScale(dir);
    if (only === undefined || only.includes('workers')) await workersAtScale(simulator, dir);
  } finally {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
