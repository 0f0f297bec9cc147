import type { Queue } from 'bullmq';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { Gauge, type Registry } from 'prom-client';
import { runPrices } from '../../shared/cost/resolve-prices.js';
import { usdOf } from '../../shared/cost/usd.js';
import { readRunEndpoint, type RunEndpoint } from '../../shared/limits/run-endpoint.js';
import { paidCountersOf, type RunRecord, type RunStore } from '../../shared/runs/run-store.js';

/** Runs in these states get per-run gauges: the ones still moving (a published run's figures are in its manifest). */
const WATCHED_STATES: readonly string[] = ['producing', 'running', 'paused', 'cancelled', 'publishing'];
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'failed'] as const;
/** A scrape never waits longer than this on Redis; the fleet gauges are then left empty and `s2d_fleet_read_ok` is 0. */
const READ_TIMEOUT_MS = 2_000;
/** Scrapes within this many ms share one read of the fleet (every gauge collects from the same reading). */
const READ_REUSE_MS = 1_000;

interface FleetReading {
  queues: { name: string; counts: Record<string, number> }[];
  runs: RunRecord[];
  endpoints: RunEndpoint[];
}

export interface FleetGaugeDeps {
  redis: RedisConnection;
  prefix: string;
  runs: RunStore;
  queues: readonly Queue[];
}

async function readFleet(deps: FleetGaugeDeps): Promise<FleetReading> {
  const queues = await Promise.all(deps.queues.map(async (queue) => ({ name: queue.name, counts: await queue.getJobCounts(...JOB_STATES) })));
  // The state of every run first (one short field each); the whole record only of the runs still moving.
  const ids = await deps.runs.list();
  const states = await Promise.all(ids.map(async (id) => (await deps.runs.control(id))?.state));
  const live = ids.filter((_id, i) => WATCHED_STATES.includes(states[i] ?? ''));
  const runs = (await Promise.all(live.map((id) => deps.runs.get(id)))).filter((run): run is RunRecord => run !== null);
  // One reading per endpoint + model, however many runs share it.
  const models = new Map(runs.map((run) => [`${run.spec.model.baseUrl}|${run.spec.model.name}`, run.spec]));
  const endpoints = await Promise.all([...models.values()].map((spec) => readRunEndpoint(deps.redis, deps.prefix, spec)));
  return { queues, runs, endpoints };
}

/**
 * Gauges of the fleet's shared state, read from Redis when Prometheus scrapes: queue depths, each watched run's
 * progress, paid usage and budget use, and each of their endpoints' limiter cap and requests in flight. Every worker
 * reports the same values (label them by instance and take one, not the sum).
 */
export function registerFleetGauges(registry: Registry, deps: FleetGaugeDeps): void {
  let cached: { at: number; reading: Promise<FleetReading | null> } | null = null;
  // At most one read of Redis at a time: while Redis is away its commands wait in ioredis's queue, and a new read per
  // scrape would pile them up there. Scrapes meanwhile get no fleet figures (`s2d_fleet_read_ok` 0).
  let inFlight: Promise<FleetReading | null> | null = null;
  const reading = (): Promise<FleetReading | null> => {
    const now = Date.now();
    if (cached === null || now - cached.at > READ_REUSE_MS) {
      inFlight ??= readFleet(deps)
        .catch(() => null)
        .finally(() => {
          inFlight = null;
        });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => {
          resolve(null);
        }, READ_TIMEOUT_MS);
      });
      cached = {
        at: now,
        reading: Promise.race([inFlight, timeout]).finally(() => {
          clearTimeout(timer);
        }),
      };
    }
    return cached.reading;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (set: (labels: Record<L, string>, value: number) => void, fleet: FleetReading) => void): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const fleet = await reading();
        this.reset();
        if (fleet !== null) fill((labels, value) => { this.set(labels, value); }, fleet);
      },
    });
  };
  new Gauge({
    name: 's2d_fleet_read_ok',
    help: '1 when the last scrape read the fleet state from Redis in time, else 0 (fleet gauges are then empty)',
    registers: [registry],
    async collect() {
      this.set((await reading()) === null ? 0 : 1);
    },
  });
  gauge('s2d_queue_jobs', 'Jobs per queue and state', ['queue', 'state'], (set, fleet) => {
    for (const { name, counts } of fleet.queues) for (const state of JOB_STATES) set({ queue: name, state }, counts[state] ?? 0);
  });
  gauge('s2d_run_items', 'Items of a live run: total (when known), done, accepted, rejected, errored', ['run', 'kind'], (set, fleet) => {
    for (const run of fleet.runs) {
      if (run.total !== null) set({ run: run.runId, kind: 'total' }, run.total);
      for (const kind of ['done', 'accepted', 'rejected', 'errored'] as const) set({ run: run.runId, kind }, run[kind]);
    }
  });
  gauge('s2d_run_paid_requests', 'LLM requests a live run has paid for, retries included', ['run'], (set, fleet) => {
    for (const run of fleet.runs) set({ run: run.runId }, run.llmRequests);
  });
  gauge('s2d_run_paid_tokens', 'Tokens a live run has paid for, by kind', ['run', 'kind'], (set, fleet) => {
    for (const run of fleet.runs) {
      set({ run: run.runId, kind: 'prompt' }, run.paidPromptTokens);
      set({ run: run.runId, kind: 'completion' }, run.paidCompletionTokens);
    }
  });
  gauge('s2d_run_paid_usd', 'US dollars a live run has paid (runs with model.prices only)', ['run'], (set, fleet) => {
    for (const run of fleet.runs) {
      const prices = runPrices(run.spec)?.prices;
      if (prices !== undefined) set({ run: run.runId }, usdOf(paidCountersOf(run), prices));
    }
  });
  gauge('s2d_run_budget_used_ratio', "Share of a live run's budget used, by limit (tokens, usd)", ['run', 'limit'], (set, fleet) => {
    for (const run of fleet.runs) {
      const budget = run.spec.budget;
      if (budget?.maxTokens !== undefined) set({ run: run.runId, limit: 'tokens' }, (run.paidPromptTokens + run.paidCompletionTokens) / budget.maxTokens);
      const prices = runPrices(run.spec)?.prices;
      if (budget?.maxCostUsd !== undefined && prices !== undefined) {
        set({ run: run.runId, limit: 'usd' }, usdOf(paidCountersOf(run), prices) / budget.maxCostUsd);
      }
    }
  });
  gauge('s2d_endpoint_cap', "An endpoint's adaptive concurrency cap (the fleet-wide limiter)", ['endpoint', 'model'], (set, fleet) => {
    for (const { health, maxConcurrency } of fleet.endpoints) set({ endpoint: health.baseUrl, model: health.model }, health.cap ?? maxConcurrency);
  });
  gauge('s2d_endpoint_max_concurrency', "An endpoint's concurrency ceiling (model.limits.maxConcurrency)", ['endpoint', 'model'], (set, fleet) => {
    for (const { health, maxConcurrency } of fleet.endpoints) set({ endpoint: health.baseUrl, model: health.model }, maxConcurrency);
  });
  gauge('s2d_endpoint_in_flight', 'Requests in flight to an endpoint, fleet-wide', ['endpoint', 'model'], (set, fleet) => {
    for (const { health } of fleet.endpoints) set({ endpoint: health.baseUrl, model: health.model }, health.inFlight);
  });
  gauge('s2d_endpoint_state', 'An endpoint health state: 1 for its current state (healthy, rate-limited, down)', ['endpoint', 'model', 'state'], (set, fleet) => {
    for (const { health } of fleet.endpoints) set({ endpoint: health.baseUrl, model: health.model, state: health.state }, 1);
  });
}
