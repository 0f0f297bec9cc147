import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');

interface ResultJson {
  evalId: string;
  column: string;
  simulator: boolean;
  metrics: {
    items: number; correct: number; accuracy: number; tokensPerItem: number; latencyMs: { p95: number };
    spend: { promptTokens: number; completionTokens: number; totalTokens: number; usd: number | null; perItem: { usd: number | null }; perCorrect: { tokens: number; usd: number | null } | null };
  };
  cost: { prices: { source: string } | null; paid: { requests: number; promptTokens: number; completionTokens: number; usd: number | null } };
}

describe('s2d eval / s2d report (CLI)', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let worker: WorkerProcess;
  let dir: string;
  const prefix = isolatedPrefix('evalcli');
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: prefix, OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn' });
  const s2d = (...args: string[]) => exec(process.execPath, [BIN, ...args], { env: env(), cwd: dir });
  const spec = (name: string, strategy: string, extra: string[] = []): string[] => [
    `name: ${name}`, 'input: data/arith.inputs.jsonl', 'labels: data/arith.labels.jsonl', 'answerType: number',
    `strategy: ${strategy}`, 'model:', '  name: sim-llama-2-70b-chat', 'output:', '  dir: out', ...extra, '',
  ];

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3 });
    dir = await mkdtemp(join(tmpdir(), 's2d-evalcli-'));
    await writeTaskFiles({ family: 'arithmetic', count: 40, seed: 2, dir: join(dir, 'data'), name: 'arith' });
    worker = spawnWorkerProcess(env());
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await simulator.close();
  });

  it('evaluates System 1 and CoT through the workers, then renders the comparison', async () => {
    await writeFile(join(dir, 's1.yaml'), spec('s1', 'system1').join('\n'));
    await writeFile(join(dir, 'cot.yaml'), spec('cot', 'cot', ['prices: { inputPer1M: 1, outputPer1M: 3 }']).join('\n'));
    const s1 = JSON.parse((await s2d('eval', 's1.yaml', '--json')).stdout) as ResultJson;
    const cot = JSON.parse((await s2d('eval', 'cot.yaml', '--json')).stdout) as ResultJson;
    expect(s1.metrics.items).toBe(40);
    expect(s1.simulator).toBe(true);
    expect(cot.metrics.tokensPerItem).toBeGreaterThan(10 * s1.metrics.tokensPerItem);
    expect(await readFile(join(dir, 'out', 'evals', cot.evalId, 'result.json'), 'utf8')).toContain('"kind": "s2d.eval"');

    // What each eval paid, from the eval store's counters: one request per item here (no retries), so the paid tokens
    // are the items' tokens; USD from those counters at the spec's prices (1 and 3 per million).
    expect(s1.cost).toMatchObject({ prices: null, paid: { requests: 40, promptTokens: s1.metrics.spend.promptTokens, completionTokens: s1.metrics.spend.completionTokens, usd: null } });
    expect(s1.metrics.spend.usd).toBeNull();
    const paid = cot.cost.paid;
    expect(paid).toMatchObject({ requests: 40, promptTokens: cot.metrics.spend.promptTokens, completionTokens: cot.metrics.spend.completionTokens });
    const usd = (paid.promptTokens * 1 + paid.completionTokens * 3) / 1e6;
    expect(cot.cost.prices?.source).toBe('prices');
    expect(paid.usd).toBeCloseTo(usd, 9);
    expect(cot.metrics.spend.usd).toBeCloseTo(usd, 9);
    expect(cot.metrics.spend.perItem.usd).toBeCloseTo(usd / 40, 9);
    expect(cot.metrics.correct).toBeGreaterThan(0);
    expect(cot.metrics.spend.perCorrect?.usd).toBeCloseTo(usd / cot.metrics.correct, 9);
    expect(cot.metrics.spend.perCorrect?.tokens).toBeCloseTo((paid.promptTokens + paid.completionTokens) / cot.metrics.correct, 3);

    const table = (await s2d('eval', 's1.yaml')).stdout; // a second eval of the same spec: the stored result
    expect(table).toContain(`eval ${s1.evalId}: system1`);
    expect(table).toContain('task=arithmetic');
    expect(table).toContain('paid 40 requests');
    expect(table).toContain('no prices given (set model.prices in the eval spec for US dollars)');

    const md = (await s2d('report', '--dir', 'out', s1.evalId, join('out', 'evals', cot.evalId, 'result.json'), '--out', 'report.md')).stdout;
    expect(md).toMatch(/^\| task \| System 1 † acc \| System 1 † tok \| cot † acc \| cot † tok \|/);
    expect(md).toContain(`| arithmetic | ${(s1.metrics.accuracy * 100).toFixed(1)}% | ${s1.metrics.tokensPerItem.toFixed(1)} |`);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toBe(md);
    // Cost per method: tokens per item and per correct answer; USD for the priced column only.
    const tokPerItem = (r: ResultJson): string => (r.metrics.spend.totalTokens / r.metrics.items).toFixed(1);
    expect(md).toContain(`| System 1 † | 40 | ${s1.metrics.correct} | ${tokPerItem(s1)} |`);
    expect(md).toMatch(new RegExp(`\\| cot † \\| 40 \\| ${cot.metrics.correct} \\| ${tokPerItem(cot)} \\| [\\d.]+ \\| \\$[\\d.]+ \\| \\$[\\d.]+ \\| 40 \\|`));
    expect(md).toContain('No prices given for system1: tokens only');
    const json = JSON.parse((await s2d('report', '--dir', 'out', '--json', cot.evalId)).stdout) as { columns: { key: string }[] };
    expect(json.columns.map((c) => c.key)).toEqual(['cot']);
  });

  it('a --label names the column; unknown ids and bad specs fail with one line', async () => {
    await writeFile(join(dir, 'dist.yaml'), spec('dist', 'system1').join('\n').replace('sim-llama-2-70b-chat', 'sim-llama-2-70b-chat-distilled'));
    const dist = JSON.parse((await s2d('eval', 'dist.yaml', '--label', 'distilled', '--json')).stdout) as ResultJson;
    expect(dist.column).toBe('distilled');
    const failure = await s2d('report', '--dir', 'out', 'no-such-eval').then(() => null, (error: unknown) => error as { code: number; stderr: string });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/no-such-eval: neither a result file nor an eval id/);
    await writeFile(join(dir, 'bad.yaml'), spec('bad', 'telepathy').join('\n'));
    const bad = await s2d('eval', 'bad.yaml').then(() => null, (error: unknown) => error as { code: number; stderr: string });
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toMatch(/bad\.yaml line 5, field "strategy"/);
  });
});
