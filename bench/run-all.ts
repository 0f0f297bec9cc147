/**
 * `npm run bench`: prints figures and ratios against baselines measured in the same run (never asserted: these
 * machines are shared and noisy). Uses a private redis-server and the LLM simulator with a realistic latency model.
 */
import { createRedisConnection } from '../shared/queue/redis-connection.js';
import { startLocalRedis } from '../infra/redis/local-redis.js';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import { measureThroughput } from './distill-throughput.js';
import { measureFootprint, usedMemory } from './redis-footprint.js';
import { measureStorm, printStorm } from './rate-limit-storm.js';
import { measureS3Publish } from './s3-publish.js';
import { printAdaptiveSampling } from './adaptive-sampling.js';
import { printPipelineOverhead } from './pipeline-overhead.js';
import { printCliStartup } from './cli-startup.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 400);
const STORM_ITEMS = Number(process.env.BENCH_STORM_ITEMS ?? 120);
const STORM_CAPACITY = 8;
/** Items per task of the adaptive-sampling comparison (fixed N vs adaptive, every setup on the same items). */
const ADAPTIVE_ITEMS = Number(process.env.BENCH_ADAPTIVE_ITEMS ?? 1000);
/** Items per setup of the pipeline-vs-bare-pool comparison (each at zero and at realistic latency). */
const OVERHEAD_ITEMS = Number(process.env.BENCH_OVERHEAD_ITEMS ?? 300);

async function main(): Promise<void> {
  const redis = await startLocalRedis();
  // Latency like a loaded GPU server: 60 ms to first token, 4 ms per token; 256 sequences at once.
  const simulator = await startSimulator({ seed: 1, latency: { ttftMs: 60, perTokenMs: 4, jitter: 0.2 }, maxConcurrentSequences: 256 });
  try {
    console.log(`s2d benchmarks — ${ITEMS} last-letter items, rar2 × 8 samples, simulator latency 60 ms + 4 ms/token\n`);
    const one = await measureThroughput({ label: 'w1', redisUrl: redis.url, simulator, workers: 1, items: ITEMS, useN: 'auto' });
    const two = await measureThroughput({ label: 'w2', redisUrl: redis.url, simulator, workers: 2, items: ITEMS, useN: 'auto' });
    const four = await measureThroughput({ label: 'w4', redisUrl: redis.url, simulator, workers: 4, items: ITEMS, useN: 'auto' });
    const noN = await measureThroughput({ label: 'non', redisUrl: redis.url, simulator, workers: 2, items: ITEMS, useN: 'never' });
    console.log('throughput (worker processes × 16 concurrent items each)');
    console.log('  setup                  items/s   requests/item   vs baseline');
    const line = (name: string, r: typeof one, base: typeof one): void => {
      console.log(`  ${name.padEnd(22)} ${r.itemsPerSecond.toFixed(1).padStart(7)}   ${r.requestsPerItem.toFixed(2).padStart(13)}   ${(r.itemsPerSecond / base.itemsPerSecond).toFixed(2)}x`);
    };
    line('1 worker (baseline)', one, one);
    line('2 workers', two, one);
    line('4 workers', four, one);
    line('2 workers, no `n`', noN, two);
    console.log(`  asking for n choices saves ${(100 * (1 - two.requestsPerItem / noN.requestsPerItem)).toFixed(0)}% of requests (${noN.requestsPerItem.toFixed(1)} -> ${two.requestsPerItem.toFixed(1)} per item)\n`);

    const free = await measureStorm({ redisUrl: redis.url, items: STORM_ITEMS, serverCapacity: STORM_CAPACITY, limiter: false });
    const limited = await measureStorm({ redisUrl: redis.url, items: STORM_ITEMS, serverCapacity: STORM_CAPACITY, limiter: true });
    printStorm(free, limited, STORM_CAPACITY);

    const probe = createRedisConnection(redis.url, () => undefined);
    const empty = await usedMemory(probe);
    probe.disconnect();
    console.log('Redis footprint (used_memory; producer backlog bound 500)');
    console.log('  items    peak during run   after publication   after - empty baseline');
    for (const items of [200, 2_000]) {
      const result = await measureFootprint({ redisUrl: redis.url, simulator, items, maxBacklog: 500 });
      console.log(`  ${String(items).padStart(5)}   ${(result.peakBytes / 1024).toFixed(0).padStart(12)} KiB   ${(result.afterBytes / 1024).toFixed(0).padStart(13)} KiB   ${((result.afterBytes - empty) / 1024).toFixed(0).padStart(10)} KiB`);
    }
    console.log(`  empty baseline: ${(empty / 1024).toFixed(0)} KiB`);

    const publishItems = Number(process.env.BENCH_PUBLISH_ITEMS ?? 5_000);
    console.log(`\nartifact store: stage ${publishItems} item results (create-only, 32 at a time), then publish them`);
    console.log('  store      staged/s   published items/s   dataset MiB/s');
    for (const r of await measureS3Publish(publishItems)) {
      console.log(`  ${r.store.padEnd(8)} ${r.stagedPerSecond.toFixed(0).padStart(9)}   ${r.publishItemsPerSecond.toFixed(0).padStart(17)}   ${r.publishMiBPerSecond.toFixed(2).padStart(13)}`);
    }
    console.log('');
    await printAdaptiveSampling(ADAPTIVE_ITEMS);
    const overheadProbe = createRedisConnection(redis.url, () => undefined);
    try {
      await printPipelineOverhead(redis.url, overheadProbe, OVERHEAD_ITEMS);
    } finally {
      overheadProbe.disconnect();
    }
    printCliStartup();
  } finally {
    await simulator.close();
    await redis.stop();
  }
}

await main();
