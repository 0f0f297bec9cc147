import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { parseManifest } from '../../shared/dataset/manifest.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');

type Failure = { code: number; stdout: string; stderr: string };
const failureOf = (promise: Promise<unknown>): Promise<Failure | null> => promise.then(() => null, (error: unknown) => error as Failure);

describe('s2d submit / status (CLI)', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let worker: WorkerProcess;
  let dir: string;
  const prefix = isolatedPrefix('cli');
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: prefix, OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn' });
  const s2d = (...args: string[]) => exec(process.execPath, [BIN, ...args], { env: env(), cwd: dir });

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 8 });
    dir = await mkdtemp(join(tmpdir(), 's2d-cli-'));
    await writeTaskFiles({ family: 'coin-flip', count: 30, seed: 5, dir: join(dir, 'data'), name: 'coins' });
    worker = spawnWorkerProcess(env());
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await simulator.close();
  });

  it('submits a YAML spec, waits for publication, and reports the run; a second submit enqueues nothing', async () => {
    await writeFile(
      join(dir, 'run.yaml'),
      ['name: coins', 'input: data/coins.inputs.jsonl', 'answerType: yes-no', 'strategy: rar1', 'model:', '  name: sim-llama-2-70b-chat', 'sampling:', '  samples: 5', 'output:', '  dir: out', ''].join('\n'),
    );
    const submitted = JSON.parse((await s2d('submit', 'run.yaml', '--wait', '--json')).stdout) as {
      runId: string; created: boolean; enqueued: number; total: number; status: { state: string; manifest: string; items: Record<string, number> };
    };
    expect(submitted).toMatchObject({ created: true, enqueued: 30, total: 30 });
    expect(submitted.runId).toMatch(/^coins-[0-9a-f]{12}$/);
    expect(submitted.status.state).toBe('published');
    expect(submitted.status.manifest).toBe(join(dir, 'out', 'coins', submitted.runId, 'manifest.json'));

    const status = JSON.parse((await s2d('status', submitted.runId, '--json')).stdout) as {
      items: { total: number; done: number; accepted: number; rejected: number; errored: number }; strategy: string; paid: { requests: number };
    };
    expect(status.strategy).toBe('rar1');
    expect(status.items.total).toBe(30);
    expect(status.items.done).toBe(30);
    expect(status.items.accepted + status.items.rejected + status.items.errored).toBe(30);
    expect(status.paid.requests).toBe(30); // rar1 × 5 samples: one request with n=5 per item

    const again = JSON.parse((await s2d('submit', 'run.yaml', '--json')).stdout) as { created: boolean; enqueued: number; status: { state: string } };
    expect(again).toMatchObject({ created: false, enqueued: 0, status: { state: 'published' } });

    const human = (await s2d('status', submitted.runId)).stdout;
    expect(human).toMatch(/state\s+published/);
    expect(human).toMatch(/cost\s+paid 30 requests, \d+ tokens .*; no prices given \(set model\.prices in the spec for US dollars\)/);
    expect((await s2d('status')).stdout.split('\n')).toContain(submitted.runId);
  });

  it('shows what a priced run paid, in tokens and USD, and the manifest holds the run store\'s paid counters', async () => {
    await writeFile(
      join(dir, 'priced.yaml'),
      [
        'name: priced', 'input: data/coins.inputs.jsonl', 'answerType: yes-no', 'strategy: rar2', 'model:', '  name: sim-llama-2-70b-chat',
        '  prices: { promptUsdPerMTok: 0.5, completionUsdPerMTok: 1.5 }', 'sampling:', '  samples: 3', 'output:', '  dir: out', '',
      ].join('\n'),
    );
    const submitted = await s2d('submit', 'priced.yaml', '--wait', '--json');
    const { runId } = JSON.parse(submitted.stdout) as { runId: string };
    // --wait --json streams progress on stderr, one JSON object per update; the last one is the published run.
    type Update = { id: string; state: string; total: number; done: number; percent: number; requests: number; tokens: number; usd: number; accepted: number; rejectReasons: Record<string, number>; endpoint: { cap: number } };
    const updates = submitted.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Update);
    expect(updates.length).toBeGreaterThan(0);
    const last = updates.at(-1);
    type Per = { requests: number; tokens: number; usd: number | null };
    const status = JSON.parse((await s2d('status', runId, '--json')).stdout) as {
      items: { done: number; accepted: number; rejected: number };
      rejectReasons: Record<string, number>;
      paid: { requests: number; promptTokens: number; completionTokens: number; cachedPromptTokens: number };
      cost: { prices: { source: string }; paid: { requests: number; promptTokens: number; completionTokens: number; totalTokens: number; usd: number }; perItem: Per; perAcceptedExample: Per };
      manifest: string;
    };
    const paid = status.paid;
    expect(paid.requests).toBe(120); // rar2 × 3 samples per item: one rephrase request (n=3), three answer requests
    expect(paid.promptTokens).toBeGreaterThan(0);
    // USD from the run store's real token counters.
    const usd = (paid.promptTokens * 0.5 + paid.completionTokens * 1.5) / 1e6;
    expect(status.cost.prices.source).toBe('model.prices');
    expect(status.cost.paid).toMatchObject({ requests: paid.requests, promptTokens: paid.promptTokens, completionTokens: paid.completionTokens, totalTokens: paid.promptTokens + paid.completionTokens });
    expect(status.cost.paid.usd).toBeCloseTo(usd, 9);
    expect(status.cost.perItem.usd).toBeCloseTo(usd / status.items.done, 9);
    expect(status.cost.perAcceptedExample.usd).toBeCloseTo(usd / status.items.accepted, 9);
    expect(status.cost.perAcceptedExample.tokens).toBeCloseTo((paid.promptTokens + paid.completionTokens) / status.items.accepted, 3);
    // The watched figures are the run's own counters: they end where `s2d status --json` ends.
    expect(last).toMatchObject({ id: runId, state: 'published', total: 30, done: 30, percent: 100, requests: paid.requests, tokens: paid.promptTokens + paid.completionTokens, accepted: status.items.accepted });
    expect(last?.usd).toBeCloseTo(status.cost.paid.usd, 9);
    expect(last?.rejectReasons).toEqual(status.rejectReasons);
    expect(Object.values(status.rejectReasons).reduce((sum, n) => sum + n, 0)).toBe(status.items.rejected);
    expect(last?.endpoint.cap).toBeGreaterThan(0);
    expect(updates.map((u) => u.done)).toEqual([...updates.map((u) => u.done)].sort((a, b) => a - b));

    // Off a terminal `status --watch` writes plain lines; the last names the published run with its cost.
    const watched = (await s2d('status', runId, '--watch')).stdout;
    expect(watched).toMatch(new RegExp(`^100\\.0% 30/30 · .*accepted ${status.items.accepted}, rejected \\d+, errored 0 · ${paid.requests} requests · [\\d.k]+ tokens · \\$[\\d.]+ · cap \\d+/\\d+, in flight \\d+ · published$`, 'm'));
    expect(watched).toMatch(/state\s+published/);

    // The manifest's paid totals are the run store's counters (retries included), priced the same way.
    const manifest = parseManifest(await readFile(status.manifest, 'utf8'));
    expect(manifest.cost?.paid).toEqual({ ...status.cost.paid });
    expect(manifest.cost?.paid).toMatchObject({ requests: paid.requests, promptTokens: paid.promptTokens, completionTokens: paid.completionTokens, cachedPromptTokens: paid.cachedPromptTokens });
    expect(manifest.cost?.perAcceptedExample?.usd).toBeCloseTo(usd / manifest.counts.accepted, 9);
    expect(manifest.cost?.samples).toEqual({ items: 30, drawn: 90, max: 90, savedFraction: 0 });

    const human = (await s2d('status', runId)).stdout;
    expect(human).toContain(`cost       paid ${paid.requests} requests, ${paid.promptTokens + paid.completionTokens} tokens`);
    expect(human).toMatch(/at \$0\.5\/\$1\.5 per M prompt\/completion tokens \(model\.prices\)\n\s+per finished item 4 requests, [\d.]+ tokens, \$[\d.]+; per accepted example [\d.]+ requests, [\d.]+ tokens, \$[\d.]+\n/);
  });

  it('rejects a bad spec with the file, line and field, and exits 2', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'input: data/coins.inputs.jsonl\nanswerType: yes-no\nmodel: { name: m }\nsampling:\n  samples: -3\n');
    const failure = await failureOf(s2d('submit', 'bad.yaml'));
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('bad.yaml line 5, field "sampling.samples"');
    expect(failure?.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says what is missing when REDIS_URL is not set, and knows no unknown run', async () => {
    await writeFile(join(dir, 'ok.yaml'), 'input: data/coins.inputs.jsonl\nanswerType: yes-no\nmodel: { name: m }\n');
    const noRedis = await failureOf(exec(process.execPath, [BIN, 'submit', 'ok.yaml'], { env: { ...env(), REDIS_URL: '' }, cwd: dir }));
    expect(noRedis?.code).toBe(1);
    expect(noRedis?.stderr.trim()).toMatch(/^s2d submit: submit needs REDIS_URL \(e.g. REDIS_URL=redis:\/\/127.0.0.1:6379\)/);
    const unknown = await failureOf(s2d('status', 'no-such-run'));
    expect(unknown?.stderr.trim()).toBe(`s2d status: no run no-such-run under prefix ${prefix}`);
  });
});
