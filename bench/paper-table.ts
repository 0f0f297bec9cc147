/**
 * `npm run paper-table`: the paper's table (Yu et al. 2024, reference/methods.md) reproduced on the s2d LLM
 * SIMULATOR, end to end through the real product: a private redis-server, spawned `s2d worker` processes, and the
 * CLI (`s2d generate`, `s2d eval`, `s2d submit --wait`, `s2d report`). Per task: System 1 and its System 2 method
 * evaluated on a held-out labelled set; the System 2 method distilled (with its curation) on a separate set, whose
 * published labels are scored against gold ("curated labels", not a model); and the simulator's distilled stand-in
 * evaluated as System 1. Then the shape criteria are checked and printed PASS/FAIL (exit 1 on any FAIL).
 *
 * Knobs: PAPER_ITEMS (items per task and set, default 300), PAPER_WORKERS (processes, default 2), PAPER_OUT (a
 * directory to keep everything in; default a temp dir), PAPER_REPLY_STYLE (how the simulator words its replies:
 * terse, free or mixed; default mixed, so the table measures s2d on prose like a real chat model's), PAPER_PRICES
 * (`<prompt>,<completion>` USD per million tokens, set as `model.prices` of every spec, for dollars in the cost
 * section; default none: tokens only).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLocalRedis } from '../infra/redis/local-redis.js';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import { openArtifactStore } from '../shared/artifacts/open-artifact-store.js';
import { datasetLabelAccuracy, type LabelAccuracy } from '../shared/eval/dataset-label-accuracy.js';
import { parseEvalResult, type EvalResult } from '../shared/eval/eval-result.js';
import { readLabels } from '../shared/eval/labelled-item.js';
import { checkPaperShape, renderPaperTable, type PaperRow } from './paper-table-shape.js';
import { renderPaperCost } from './paper-cost.js';
import type { CostSummary } from '../shared/cost/cost-summary.js';

const ITEMS = Number(process.env.PAPER_ITEMS ?? 300);
const REPLY_STYLE = ((style: string): 'terse' | 'free' | 'mixed' => {
  if (style === 'terse' || style === 'free' || style === 'mixed') return style;
  throw new Error(`PAPER_REPLY_STYLE must be terse, free or mixed, got "${style}"`);
})(process.env.PAPER_REPLY_STYLE ?? 'mixed');
const WORKERS = Number(process.env.PAPER_WORKERS ?? 2);
/** `model.prices` of every spec, from PAPER_PRICES; undefined: no prices (the cost section shows tokens only). */
const PRICES = ((value: string | undefined): { promptUsdPerMTok: number; completionUsdPerMTok: number } | undefined => {
  if (value === undefined || value === '') return undefined;
  const [prompt, completion] = value.split(',').map(Number);
  if (prompt === undefined || completion === undefined || !Number.isFinite(prompt) || !Number.isFinite(completion)) {
    throw new Error(`PAPER_PRICES must be <prompt>,<completion> USD per million tokens, got "${value}"`);
  }
  return { promptUsdPerMTok: prompt, completionUsdPerMTok: completion };
})(process.env.PAPER_PRICES);
const MODEL = 'sim-llama-2-70b-chat';
/** A model name the simulator treats as distilled (its `distilledModels` marker): a labelled stand-in. */
const DISTILLED_MODEL = 'sim-llama-2-70b-chat-distilled';
const CLI = resolve(import.meta.dirname, '..', 'bin', 's2d.mjs');

interface TaskPlan {
  task: 'last-letter' | 'coin-flip' | 'biased-qa' | 'pairwise-judge' | 'arithmetic';
  answerType: string;
  system2: 'rar2' | 's2a' | 'bsm' | 'cot';
  /** Distillation: samples, temperature, curation (the paper's settings); judge: greedy, both orders. */
  distill: { samples?: number; temperature?: number; curation?: 'vote' | 'usc'; swap?: boolean };
  curationName: string;
  /** Judge: evaluate every column with A/B swap for % inconsistent. */
  swap?: boolean;
  /** Biased QA: the paper reports accuracy on the biased variants, so the sets keep those only. */
  biasedOnly?: boolean;
}

const PLANS: TaskPlan[] = [
  { task: 'last-letter', answerType: 'letters', system2: 'rar2', distill: { samples: 8, temperature: 0.8, curation: 'vote' }, curationName: 'vote of 8' },
  { task: 'coin-flip', answerType: 'yes-no', system2: 'rar2', distill: { samples: 8, temperature: 0.8, curation: 'vote' }, curationName: 'vote of 8' },
  { task: 'biased-qa', answerType: 'text', system2: 's2a', distill: { samples: 20, temperature: 0.8, curation: 'usc' }, curationName: 'USC over 20', biasedOnly: true },
  { task: 'pairwise-judge', answerType: 'verdict', system2: 'bsm', distill: { swap: true }, curationName: 'swap-consistent', swap: true },
  { task: 'arithmetic', answerType: 'number', system2: 'cot', distill: { samples: 10, temperature: 0.8, curation: 'vote' }, curationName: 'vote of 10' },
];

/** Runs the s2d CLI and returns its stdout; stderr is kept for the error message. */
function s2d(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done(out);
      else fail(new Error(`s2d ${args.join(' ')} exited ${String(code)}: ${err.slice(-2000)}`));
    });
  });
}

async function generate(plan: TaskPlan, dir: string, name: string, seed: number, env: NodeJS.ProcessEnv): Promise<{ inputs: string; labels: string }> {
  // Biased QA: 3 in 4 generated items are biased; generate enough to keep ITEMS of them.
  const count = plan.biasedOnly === true ? Math.ceil((ITEMS * 4) / 3) + 20 : ITEMS;
  const written = JSON.parse(await s2d(['generate', plan.task, '--count', String(count), '--seed', String(seed), '--out', dir, '--name', name], env, dir)) as { inputsPath: string; labelsPath: string };
  if (plan.biasedOnly !== true) return { inputs: written.inputsPath, labels: written.labelsPath };
  const labelLines = (await readFile(written.labelsPath, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const biased = new Set(labelLines.map((l) => JSON.parse(l) as { id: string; variant?: string }).filter((l) => l.variant !== 'none').slice(0, ITEMS).map((l) => l.id));
  const keep = (text: string): string => `${text.split('\n').filter((l) => l.trim() !== '' && biased.has((JSON.parse(l) as { id: string }).id)).join('\n')}\n`;
  const inputs = join(dir, `${name}.biased.inputs.jsonl`);
  const labels = join(dir, `${name}.biased.labels.jsonl`);
  await writeFile(inputs, keep(await readFile(written.inputsPath, 'utf8')));
  await writeFile(labels, keep(labelLines.join('\n')));
  return { inputs, labels };
}

async function evaluate(plan: TaskPlan, set: { inputs: string; labels: string }, column: 'system1' | 'system2' | 'distilled', dir: string, env: NodeJS.ProcessEnv): Promise<EvalResult> {
  const spec = {
    name: `paper-${plan.task}-${column}`,
    input: set.inputs,
    labels: set.labels,
    answerType: plan.answerType,
    strategy: column === 'system2' ? plan.system2 : 'system1',
    ...(column === 'distilled' ? { label: 'distilled' } : {}),
    model: { name: column === 'distilled' ? DISTILLED_MODEL : MODEL, ...(PRICES === undefined ? {} : { prices: PRICES }) },
    output: { dir: join(dir, 'out') },
    ...(plan.swap === true ? { perturbations: { kinds: ['swap-ab'] } } : {}),
  };
  const path = join(dir, `${spec.name}.eval.json`);
  await writeFile(path, JSON.stringify(spec, null, 2));
  return parseEvalResult(JSON.parse(await s2d(['eval', path, '--json'], env, dir)), path);
}

async function distil(plan: TaskPlan, set: { inputs: string; labels: string }, dir: string, env: NodeJS.ProcessEnv): Promise<LabelAccuracy & { inputs: number; cost?: CostSummary }> {
  const { samples, temperature, curation, swap } = plan.distill;
  const spec = {
    name: `paper-${plan.task}`,
    input: set.inputs,
    answerType: plan.answerType,
    strategy: plan.system2,
    model: { name: MODEL, ...(PRICES === undefined ? {} : { prices: PRICES }) },
    ...(samples === undefined ? {} : { sampling: { samples, temperature: temperature ?? 0.8, maxTokens: 1024 } }),
    ...(curation === undefined ? {} : { curation: { method: curation } }),
    ...(swap === true ? { perturbations: { kinds: ['swap-ab'] } } : {}),
    output: { dir: join(dir, 'datasets') },
  };
  const path = join(dir, `${spec.name}.run.json`);
  await writeFile(path, JSON.stringify(spec, null, 2));
  const outcome = JSON.parse(await s2d(['submit', path, '--wait', '--json'], env, dir)) as { runId: string };
  const store = openArtifactStore(join(dir, 'datasets'));
  const accuracy = await datasetLabelAccuracy(store, `${spec.name}/${outcome.runId}`, await readLabels(set.labels));
  const manifest = JSON.parse(new TextDecoder().decode((await store.get(`${spec.name}/${outcome.runId}/manifest.json`)) ?? new Uint8Array())) as { counts: { inputs: number }; cost?: CostSummary };
  return { ...accuracy, inputs: manifest.counts.inputs, ...(manifest.cost === undefined ? {} : { cost: manifest.cost }) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = process.env.PAPER_OUT === undefined ? await mkdtemp(join(tmpdir(), 's2d-paper-')) : resolve(process.env.PAPER_OUT);
  await mkdir(dir, { recursive: true });
  const redis = await startLocalRedis();
  const simulator = await startSimulator({
    seed: 1,
    latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 },
    maxConcurrentSequences: 1024,
    behaviour: { replyStyle: REPLY_STYLE },
  });
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redis.url, S2D_PREFIX: 'paper', OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn', S2D_WORKER_CONCURRENCY: '48' };
  const workers: ChildProcess[] = Array.from({ length: WORKERS }, () => spawn(process.execPath, [CLI, 'worker'], { env, cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] }));
  process.stderr.write(`paper table on the s2d LLM SIMULATOR (not a real model, ${REPLY_STYLE} replies): ${ITEMS} items per task and set, ${WORKERS} worker processes, files in ${dir}\n`);
  try {
    const rows: PaperRow[] = await Promise.all(
      PLANS.map(async (plan, i) => {
        const heldOut = await generate(plan, dir, `${plan.task}-test`, 100 + i, env);
        const train = await generate(plan, dir, `${plan.task}-train`, 200 + i, env);
        const [system1, system2, distilled, curated] = await Promise.all([
          evaluate(plan, heldOut, 'system1', dir, env),
          evaluate(plan, heldOut, 'system2', dir, env),
          evaluate(plan, heldOut, 'distilled', dir, env),
          distil(plan, train, dir, env),
        ]);
        process.stderr.write(`  ${plan.task} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
        return { task: plan.task, system2Name: plan.system2, curationName: plan.curationName, system1, system2, distilled, curated };
      }),
    );
    const evalIds = rows.flatMap((row) => [row.system1.evalId, row.system2.evalId, row.distilled.evalId]);
    const report = await s2d(['report', '--dir', join(dir, 'out'), '--out', join(dir, 'report.md'), ...evalIds], env, dir);
    const table = renderPaperTable(rows, REPLY_STYLE);
    const pricesNote =
      PRICES === undefined
        ? 'No prices given (set PAPER_PRICES=<prompt>,<completion> USD per million tokens for dollars): tokens only.'
        : `Dollars at PAPER_PRICES: $${PRICES.promptUsdPerMTok}/$${PRICES.completionUsdPerMTok} per M prompt/completion tokens — on the simulator, an illustration, not a bill.`;
    const cost = renderPaperCost(rows.map((row) => ({ ...row, curatedCost: row.curated.cost })), pricesNote);
    await writeFile(join(dir, 'paper-table.md'), `${table}\n## Cost per method\n\n${cost}`);
    process.stdout.write(`## s2d report\n\n${report}\n## Paper-shaped table (with curated labels)\n\n${table}\n## Cost per method\n\n${cost}\n`);
    const checks = checkPaperShape(rows);
    for (const check of checks) process.stdout.write(`${check.pass ? 'PASS' : 'FAIL'}  ${check.criterion}: ${check.detail}\n`);
    process.stdout.write(`\n${checks.filter((c) => c.pass).length}/${checks.length} criteria pass; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    process.exitCode = checks.every((c) => c.pass) ? 0 : 1;
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((done) => {
            if (worker.exitCode !== null) done();
            else worker.once('exit', () => { done(); });
          }),
      ),
    );
    await simulator.close();
    await redis.stop();
  }
}

await main();
