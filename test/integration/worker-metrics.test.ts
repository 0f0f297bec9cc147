import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { workerEnv } from '../helpers/worker-env.js';

const redisUrl = inject('redisUrl');
const ITEMS = 40;

/** Prometheus text format -> `name{labels}` -> value (label order as the exporter writes it). */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** The sum of every series of `name` whose labels include all of `labels`. */
function sumOf(metrics: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [series, value] of metrics) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([key, v]) => series.includes(`${key}="${v}"`))) sum += value;
  }
  return sum;
}

describe('worker Prometheus endpoint (S2D_METRICS_PORT), scraped during and after a real run', () => {
  let simulator: RunningSimulator;
  let run: RunFixture;
  let worker: WorkerProcess;
  let url = '';

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 9, latency: { ttftMs: 40, perTokenMs: 1, jitter: 0.2 } });
    run = await createRunFixture({ label: 'metrics', redisUrl, baseUrl: simulator.baseUrl, items: ITEMS, spec: { model: { name: 'sim-llama-2-70b-chat', prices: { promptUsdPerMTok: 1, completionUsdPerMTok: 2 } } } });
    worker = spawnWorkerProcess(workerEnv(redisUrl, run.prefix, { S2D_METRICS_PORT: '0', S2D_LOG_LEVEL: 'info' }));
    for (let waited = 0; url === '' && waited < 20_000; waited += 50) {
      url = /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)","msg":"metrics listening"/.exec(worker.stderrTail())?.[1] ?? '';
      if (url === '') await sleep(50);
    }
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await run.clients.close();
    await simulator.close();
  });

  it('serves the listed metrics on loopback, and its counts match the run store when the run is done', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await run.submit();
    // Mid-run: the fleet gauges show the live run, its queue and its endpoint.
    let live: Map<string, number> | null = null;
    for (let tries = 0; tries < 200 && live === null; tries++) {
      const scraped = parseMetrics(await (await fetch(url)).text());
      const done = sumOf(scraped, 's2d_run_items', { run: run.spec.runId, kind: 'done' });
      if (done > 0 && done < ITEMS) live = scraped;
      else await sleep(25);
    }
    expect(live, 'a scrape while the run was in progress').not.toBeNull();
    const during = live ?? new Map<string, number>();
    expect(sumOf(during, 's2d_fleet_read_ok')).toBe(1);
    expect(sumOf(during, 's2d_run_items', { run: run.spec.runId, kind: 'total' })).toBe(ITEMS);
    expect(sumOf(during, 's2d_endpoint_cap', { model: 'sim-llama-2-70b-chat' })).toBeGreaterThan(0);
    expect(sumOf(during, 's2d_endpoint_max_concurrency', { model: 'sim-llama-2-70b-chat' })).toBeGreaterThanOrEqual(sumOf(during, 's2d_endpoint_cap', { model: 'sim-llama-2-70b-chat' }));
    expect([...during.keys()].some((series) => series.startsWith('s2d_queue_jobs{queue="distill",state="waiting"}'))).toBe(true);
    expect(sumOf(during, 's2d_run_paid_usd', { run: run.spec.runId })).toBeGreaterThan(0);
    expect(sumOf(during, 's2d_llm_request_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);

    await waitForPublication(run.clients.runs, run.spec.runId, 50);
    const record = await run.clients.runs.get(run.spec.runId);
    const after = parseMetrics(await (await fetch(url)).text());
    // This worker sent every request of the run and nothing else: its counters are the run's paid counters.
    expect(sumOf(after, 's2d_llm_requests_total', { outcome: 'ok' })).toBe(record?.llmRequests);
    expect(sumOf(after, 's2d_llm_requests_total')).toBe(record?.llmRequests);
    expect(sumOf(after, 's2d_llm_request_duration_seconds_count')).toBe(record?.llmRequests);
    expect(sumOf(after, 's2d_llm_tokens_total', { kind: 'prompt' })).toBe(record?.paidPromptTokens);
    expect(sumOf(after, 's2d_llm_tokens_total', { kind: 'completion' })).toBe(record?.paidCompletionTokens);
    expect(sumOf(after, 's2d_items_finished_total')).toBe(ITEMS);
    expect(sumOf(after, 's2d_items_finished_total', { status: 'accepted' })).toBe(record?.accepted);
    expect(sumOf(after, 's2d_items_finished_total', { status: 'rejected' })).toBe(record?.rejected);
    // Rejects by reason: the metric's labels and the run record's counters (which progress shows) agree.
    const reasons = Object.entries(record?.rejectReasons ?? {});
    expect(reasons.reduce((sum, [, n]) => sum + n, 0)).toBe(record?.rejected);
    for (const [code, n] of reasons) expect(sumOf(after, 's2d_items_finished_total', { status: 'rejected', reason: code }), code).toBe(n);
    // A published run leaves the per-run gauges.
    expect(sumOf(after, 's2d_run_items', { run: run.spec.runId })).toBe(0);
    expect(sumOf(after, 's2d_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('answers 404 off /metrics', async () => {
    const response = await fetch(url.replace('/metrics', '/other'));
    expect(response.status).toBe(404);
  });
});
