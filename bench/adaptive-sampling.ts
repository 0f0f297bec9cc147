/**
 * Adaptive self-consistency vs the fixed budget, on every built-in task with a sampled System 2 method, on the same
 * items in one run: requests and samples per item, requests and tokens per accepted example, acceptance, and the
 * curated labels' accuracy against gold. Items run in-process through the distill worker's own item program
 * (`runItemProgram`: strategy rounds, extraction, stopping rule, vote or USC) and the production sampler against the
 * LLM simulator over HTTP at zero latency. Printed, never asserted (the simulator's numbers, not a model's).
 *
 * Standalone: `node --import tsx bench/adaptive-sampling.ts` (BENCH_ADAPTIVE_ITEMS items per task, default 1000, since
 * at 300 the accuracy gaps the targets judge were inside the noise; BENCH_REPLY_STYLE terse | free | mixed, default
 * mixed); `npm run bench` runs it too.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeTaskFiles } from '../producers/write-task-files.js';
import type OpenAI from 'openai';
import { startSimulator } from '../infra/simulator/simulator-server.js';
import type { SimulatorOptionsInput } from '../infra/simulator/simulator-options.js';
import { inProcessSimulatorClient } from './in-process-simulator.js';
import { runSpecSchema, type ResolvedRunSpec } from '../shared/config/run-spec.js';
import type { AnswerType } from '../shared/core-types.js';
import { readLabelledSet, type LabelledItem } from '../shared/eval/labelled-item.js';
import { normaliseAnswer } from '../shared/extraction/normalise-answer.js';
import { MemoryCallCache } from '../shared/llm/call-cache.js';
import { createOpenAiClient, OpenAiSampler } from '../shared/llm/openai-sampler.js';
import { getStrategy, resolveTemplates } from '../shared/strategies/strategy-registry.js';
import type { StrategyName } from '../shared/strategies/strategy.js';
import type { TaskName } from '../shared/tasks/task-family.js';
import { runItemProgram } from '../workers/distill/run-item-program.js';
import { checkAdaptiveTargets, renderAdaptiveSummary, renderAdaptiveTable, type SetupResult, type TaskResult } from './adaptive-sampling-table.js';

const MODEL = 'sim-llama-2-70b-chat';
/** The rule `sampling.adaptive: true` uses, whose numbers the targets are checked on. */
const DEFAULT_RULE = 'beta';

interface TaskPlan {
  task: TaskName;
  answerType: AnswerType;
  strategy: StrategyName;
  curation: 'vote' | 'usc';
  /** The paper's budget for the method. */
  paperN: number;
}

const PLANS: TaskPlan[] = [
  { task: 'last-letter', answerType: 'letters', strategy: 'rar2', curation: 'vote', paperN: 8 },
  { task: 'coin-flip', answerType: 'yes-no', strategy: 'rar2', curation: 'vote', paperN: 8 },
  { task: 'biased-qa', answerType: 'text', strategy: 's2a', curation: 'usc', paperN: 20 },
  { task: 'arithmetic', answerType: 'number', strategy: 'cot', curation: 'vote', paperN: 10 },
];

export interface Setup {
  label: string;
  max: number;
  adaptive: 'beta' | 'window' | null;
  /** Set on setups that tune the rule's default policy (compared, but not the one the targets are checked on). */
  variant?: string;
  /** The row of the summary table, the same across tasks (e.g. `adaptive ≤ N`); absent: not in the summary. */
  row?: string;
  /** `sampling.adaptive.rejectBelow`; absent: the spec's default. */
  rejectBelow?: number;
  /** `sampling.adaptive.confidence` (rule beta); absent: the spec's default. */
  confidence?: number;
}

/**
 * Fixed and adaptive at the paper's budget and at 40 — the default rule with and without probabilistic early
 * rejection, the window rule, and at 40 the beta rule at confidence 0.97 — and the default rule at twice the paper's
 * budget.
 */
function setupsFor(paperN: number): Setup[] {
  const at = (max: number, n: string): Setup[] => [
    { label: `fixed ${max}`, max, adaptive: null, row: `fixed ${n}` },
    { label: `beta ≤${max}, rejectBelow 0`, max, adaptive: 'beta', variant: 'rejectBelow 0', rejectBelow: 0, row: `adaptive ≤ ${n}, rejectBelow 0 (before)` },
    { label: `beta ≤${max}`, max, adaptive: 'beta', row: `adaptive ≤ ${n} (default: beta 0.95, rejectBelow 0.05)` },
    ...(max === 40 ? [{ label: `beta ≤${max}, confidence 0.97`, max, adaptive: 'beta' as const, variant: 'confidence 0.97', confidence: 0.97, row: `adaptive ≤ ${n}, confidence 0.97` }] : []),
    { label: `window ≤${max}`, max, adaptive: 'window' },
  ];
  const setups = [...at(paperN, 'N'), ...(paperN === 40 ? [] : at(40, '40'))];
  if (2 * paperN !== 40) setups.push({ label: `${DEFAULT_RULE} ≤${2 * paperN}`, max: 2 * paperN, adaptive: DEFAULT_RULE, row: 'adaptive ≤ 2N (default)' });
  return setups;
}

function specFor(plan: TaskPlan, setup: Setup, baseUrl: string): ResolvedRunSpec {
  const spec = runSpecSchema.parse({
    input: 'bench.jsonl',
    answerType: plan.answerType,
    strategy: plan.strategy,
    model: { name: MODEL, baseUrl },
    sampling: { samples: setup.max, temperature: 0.8, maxTokens: 1024, seed: 3, ...(setup.adaptive === null ? {} : { adaptive: { rule: setup.adaptive, ...(setup.rejectBelow === undefined ? {} : { rejectBelow: setup.rejectBelow }), ...(setup.confidence === undefined ? {} : { confidence: setup.confidence }) } }) },
    curation: { method: plan.curation, minAgreement: 0.5 },
  });
  return { ...spec, runId: `bench-${plan.task}-${setup.label}`, model: { ...spec.model, baseUrl } };
}

async function runSetup(plan: TaskPlan, setup: Setup, items: readonly LabelledItem[], client: OpenAI): Promise<SetupResult> {
  const spec = specFor(plan, setup, client.baseURL);
  const { templates } = resolveTemplates(spec.templates);
  const context = { spec, strategy: getStrategy(plan.strategy), templates };
  const nSupport = { honoured: undefined };
  const result: SetupResult = {
    label: setup.label,
    adaptive: setup.adaptive,
    ...(setup.variant === undefined ? {} : { variant: setup.variant }),
    ...(setup.row === undefined ? {} : { row: setup.row }),
    max: setup.max, items: items.length, accepted: 0, correct: 0, requests: 0, samples: 0, calls: 0, tokens: 0, decisions: {} };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let position = next++; position < items.length; position = next++) {
      const item = items[position];
      if (item === undefined) return;
      const sampler = new OpenAiSampler({
        client,
        model: MODEL,
        seed: spec.sampling.seed,
        useN: 'auto',
        nSupport,
        cache: new MemoryCallCache(),
        onRequest: (usage) => {
          result.requests += 1;
          result.tokens += usage.promptTokens + usage.completionTokens;
        },
      });
      const payload = { runId: spec.runId, index: position, line: position + 1, id: item.id, prompt: item.prompt, answerType: item.answerType };
      const outcome = await runItemProgram(context, payload, sampler);
      result.samples += outcome.samples;
      result.calls += outcome.calls;
      if (outcome.sampling !== undefined) result.decisions[outcome.sampling.decision] = (result.decisions[outcome.sampling.decision] ?? 0) + 1;
      if (outcome.status !== 'accepted') continue;
      result.accepted += 1;
      if (outcome.target === normaliseAnswer(item.gold, item.answerType)) result.correct += 1;
    }
  };
  await Promise.all(Array.from({ length: 48 }, worker));
  return result;
}

/** Runs every task's setups on the same items through `client` (the simulator). */
export async function measureAdaptiveSampling(options: {
  client: OpenAI;
  items: number;
  onTask?: (task: TaskResult) => void;
  /** Tuning runs: other setups per paper budget, and a subset of the tasks. */
  setups?: (paperN: number) => Setup[];
  tasks?: readonly TaskName[];
}): Promise<TaskResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 's2d-bench-adaptive-'));
  const tasks: TaskResult[] = [];
  for (const [i, plan] of PLANS.entries()) {
    if (options.tasks !== undefined && !options.tasks.includes(plan.task)) continue;
    const files = await writeTaskFiles({ family: plan.task, count: options.items, seed: 500 + i, dir, name: plan.task });
    const items = await readLabelledSet(files.inputsPath, files.labelsPath, plan.answerType);
    const setups: SetupResult[] = [];
    for (const setup of (options.setups ?? setupsFor)(plan.paperN)) setups.push(await runSetup(plan, setup, items, options.client));
    const task = { task: plan.task, method: `${plan.strategy}, ${plan.curation}`, paperN: plan.paperN, setups };
    options.onTask?.(task);
    tasks.push(task);
  }
  return tasks;
}

/**
 * The in-process transport must give what the simulator's HTTP server gives: the same setups on a few items, both
 * ways, must count the same requests, samples, tokens and accepted labels.
 */
async function checkTransport(simulatorOptions: SimulatorOptionsInput, items: number): Promise<string> {
  const simulator = await startSimulator({ ...simulatorOptions, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 }, maxConcurrentSequences: 4096 });
  try {
    const plan = PLANS[0];
    if (plan === undefined) return 'no plan';
    const dir = await mkdtemp(join(tmpdir(), 's2d-bench-adaptive-check-'));
    const files = await writeTaskFiles({ family: plan.task, count: items, seed: 500, dir, name: plan.task });
    const set = await readLabelledSet(files.inputsPath, files.labelsPath, plan.answerType);
    const overHttp = createOpenAiClient({ baseUrl: simulator.baseUrl, apiKey: 'no-key', timeoutMs: 60_000 });
    const inProcess = inProcessSimulatorClient(simulatorOptions);
    for (const setup of setupsFor(plan.paperN).filter((s) => s.max === plan.paperN && s.variant === undefined).slice(0, 2)) {
      const [a, b] = [await runSetup(plan, setup, set, overHttp), await runSetup(plan, setup, set, inProcess)];
      const same = (['accepted', 'correct', 'requests', 'samples', 'calls', 'tokens'] as const).every((key) => a[key] === b[key]);
      if (!same) return `DIFFERS on ${plan.task} ${setup.label}: HTTP ${JSON.stringify(a)} vs in-process ${JSON.stringify(b)}`;
    }
    return `matches HTTP on ${items} ${plan.task} items (fixed and adaptive: requests, samples, tokens, labels)`;
  } finally {
    await simulator.close();
  }
}

/** Measures on the simulator (seeded, no latency) and prints the tables and the targets. */
export async function printAdaptiveSampling(items: number, replyStyle: 'terse' | 'free' | 'mixed' = 'mixed'): Promise<void> {
  const simulatorOptions: SimulatorOptionsInput = { seed: 1, behaviour: { replyStyle } };
  const started = Date.now();
  console.log(`adaptive self-consistency vs fixed N — ${items} items per task, LLM simulator (${replyStyle} replies), n-capable endpoint, minAgreement 0.5`);
  console.log('  (pairwise-judge is left out: BSM is greedy, one sample per order, so there is nothing to stop early)');
  console.log(`  in-process simulator transport ${await checkTransport(simulatorOptions, 24)}\n`);
  const tasks = await measureAdaptiveSampling({ client: inProcessSimulatorClient(simulatorOptions), items, onTask: (task) => {
    console.log(renderAdaptiveTable([task]));
  } });
  console.log('summary: requests per accepted example (× fewer than fixed at the same maximum) / tokens per accepted example / acceptance / label accuracy\n');
  console.log(renderAdaptiveSummary(tasks));
  console.log(`targets, default policy (sampling.adaptive: true; printed, not asserted):`);
  for (const check of checkAdaptiveTargets(tasks, DEFAULT_RULE, ['last-letter', 'coin-flip'])) {
    console.log(`  ${check.met ? 'MET   ' : 'MISSED'} ${check.target}: ${check.detail}`);
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

function replyStyleFromEnv(): 'terse' | 'free' | 'mixed' {
  const style = process.env.BENCH_REPLY_STYLE ?? 'mixed';
  if (style === 'terse' || style === 'free' || style === 'mixed') return style;
  throw new Error(`BENCH_REPLY_STYLE must be terse, free or mixed, got "${style}"`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await printAdaptiveSampling(Number(process.env.BENCH_ADAPTIVE_ITEMS ?? 1000), replyStyleFromEnv());
}
