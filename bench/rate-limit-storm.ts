/**
 * A 429-prone endpoint with and without the fleet-wide limiter: the simulator serves a fixed number of requests at
 * once and answers 429 + Retry-After beyond it; two worker processes distil the same items either way. Figures:
 * items/s, 429s, extra requests (429s are requests that did no work), and the limiter's cap trajectory.
 */
import { spawnWorkerProcess } from '../cli/spawn-worker-process.js';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import { limiterTrajectory } from '../test/helpers/limiter-trajectory.js';
import { waitForPublication } from '../shared/runs/wait-for-publication.js';
import { createRunFixture } from '../test/helpers/run-fixture.js';

/** The limiter's starting (and maximum) cap in this benchmark. */
const START_CAP = 64;

export interface StormResult {
  limiter: boolean;
  seconds: number;
  itemsPerSecond: number;
  requests: number;
  successes: number;
  rateLimited: number;
  errored: number;
  peakInFlight: number;
  /** Cap changes of the limiter (empty without it). */
  trajectory: { atMs: number; cap: number; why: string }[];
}

export interface StormOptions {
  redisUrl: string;
  items: number;
  /** Requests the simulator serves at once before it answers 429. */
  serverCapacity: number;
  limiter: boolean;
}

export async function measureStorm(options: StormOptions): Promise<StormResult> {
  const simulator = await startSimulator({
    seed: 3,
    latency: { ttftMs: 30, perTokenMs: 1, jitter: 0.2 },
    faults: { maxInFlightRequests: options.serverCapacity, retryAfterSeconds: 0.2 },
  });
  const run = await createRunFixture({
    label: options.limiter ? 'storm-limited' : 'storm-free',
    redisUrl: options.redisUrl,
    baseUrl: simulator.baseUrl,
    items: options.items,
    spec: {
      // Without `n`, every item fires its 8 answer requests at once: a burst the endpoint cannot take.
      model: { name: 'sim-llama-2-70b-chat', baseUrl: simulator.baseUrl, useN: 'never', limits: { maxConcurrency: START_CAP, maxRateLimitRequeues: 1_000 } },
      sampling: { samples: 8, temperature: 0.8, maxTokens: 256, seed: 1 },
    },
  });
  const workers = Array.from({ length: 2 }, () =>
    spawnWorkerProcess({
      ...process.env,
      REDIS_URL: options.redisUrl,
      S2D_PREFIX: run.prefix,
      S2D_LOG_LEVEL: 'error',
      S2D_WORKER_CONCURRENCY: '16',
      S2D_ENDPOINT_LIMITER: options.limiter ? 'on' : 'off',
    }),
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    simulator.resetStats();
    const started = process.hrtime.bigint();
    await run.submit();
    await waitForPublication(run.clients.runs, run.spec.runId, 20);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = simulator.stats();
    const { manifest } = await run.readDataset();
    return {
      limiter: options.limiter,
      seconds,
      itemsPerSecond: options.items / seconds,
      requests: stats.requests,
      successes: stats.byStatus['200'] ?? 0,
      rateLimited: stats.byStatus['429'] ?? 0,
      errored: manifest.counts.errored,
      peakInFlight: stats.maxActiveRequests,
      trajectory: await limiterTrajectory(run),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await run.clients.close();
    await simulator.close();
  }
}

/** Prints both runs side by side with ratios. */
export function printStorm(without: StormResult, withLimiter: StormResult, serverCapacity: number): void {
  console.log(`429 storm (endpoint serves ${serverCapacity} requests at once, 429 + Retry-After 0.2 s beyond; 2 workers × 16 items, rar2 × 8, no \`n\`)`);
  console.log('  setup              items/s   requests   429s   extra requests/item   errored   peak in flight');
  for (const [name, r] of [['without limiter', without], ['with limiter', withLimiter]] as const) {
    const items = r.itemsPerSecond * r.seconds;
    console.log(
      `  ${name.padEnd(17)} ${r.itemsPerSecond.toFixed(2).padStart(8)}   ${String(r.requests).padStart(8)}   ${String(r.rateLimited).padStart(5)}   ${(r.rateLimited / items).toFixed(2).padStart(19)}   ${String(r.errored).padStart(7)}   ${String(r.peakInFlight).padStart(14)}`,
    );
  }
  const ratio = (a: number, b: number): string => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`);
  console.log(`  with/without: throughput ${ratio(withLimiter.itemsPerSecond, without.itemsPerSecond)}, 429s ${ratio(withLimiter.rateLimited, without.rateLimited)}, requests ${ratio(withLimiter.requests, without.requests)}`);
  const t = withLimiter.trajectory;
  const start = t[0]?.atMs ?? 0;
  const cuts = t.filter((step) => step.why === '429');
  console.log(`  limiter cap: starts ${START_CAP}, ${cuts.length} cuts, ${t.length - cuts.length} increases, min ${Math.min(START_CAP, ...t.map((s) => s.cap))}, final ${t.at(-1)?.cap ?? START_CAP}`);
  const sampled = t.filter((_step, i) => i % Math.max(1, Math.ceil(t.length / 16)) === 0 || i === t.length - 1);
  console.log(`  trajectory (s:cap): ${sampled.map((step) => `${((step.atMs - start) / 1000).toFixed(1)}:${step.cap}`).join(' ')}\n`);
}
