import type { ChatMessage } from '../../../shared/core-types.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { runSpecSchema, type ResolvedRunSpec, type RunSpecInput } from '../../../shared/config/run-spec.js';
import type { Completion, Sampler, SamplingParams } from '../../../shared/llm/sampler.js';
import { resolveTemplates } from '../../../shared/strategies/strategy-registry.js';
import { resolveStrategy } from '../../../shared/strategies/resolve-strategy.js';
import { pairwiseJudgeFamily, type PairwiseJudgeInstance } from '../../../shared/tasks/pairwise-judge.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { planCompletion } from '../../../infra/simulator/completion-plan.js';
import type { SimulatorOptions } from '../../../infra/simulator/simulator-options.js';
import { runItemProgram, type ProgramOutcome } from '../../../workers/distill/run-item-program.js';

/** A Sampler that asks the simulator's planner in-process (no HTTP): the strategies run exactly as in a worker. */
export class PlannerSampler implements Sampler {
  completionTokens = 0;
  requests = 0;

  constructor(private readonly options: SimulatorOptions) {}

  sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams): Promise<Completion[]> {
    return Promise.resolve(
      sampleIndices.map((index) => {
        this.requests++;
        const plan = planCompletion({ model: 'sim', messages, temperature: params.temperature, seed: 1 + index, max_tokens: params.maxTokens }, [...messages], this.options);
        const choice = plan.choices[0];
        if (choice === undefined) throw new Error('no choice');
        this.completionTokens += choice.completionTokens;
        return { text: choice.text, usage: { promptTokens: plan.promptTokens, completionTokens: choice.completionTokens }, cached: false };
      }),
    );
  }
}

export function judgeItems(count: number, seed: number): { instance: PairwiseJudgeInstance; gold: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const g = pairwiseJudgeFamily.generate(createRng('judge-harness', seed, i));
    return { instance: g.instance, gold: g.answer };
  });
}

export function judgeSpec(input: Partial<RunSpecInput>): ResolvedRunSpec {
  const spec = runSpecSchema.parse({ input: 'x.jsonl', answerType: 'verdict', model: { name: 'sim' }, ...input });
  return { ...spec, runId: 'harness', model: { ...spec.model, baseUrl: 'http://127.0.0.1:1/v1' } };
}

export interface JudgeMeasure {
  /** Verdicts (each order counted) that name the better response. */
  perOrderAgreement: number;
  /** Items whose two orders, mapped back, disagree (or either has no verdict). */
  flipped: number;
  /** Items kept by swap-ab consistency, and how many of those name the better response. */
  accepted: number;
  curatedAgreement: number;
  /** Mean completion tokens per item, both orders, every intermediate call included. */
  tokensPerItem: number;
  outcomes: ProgramOutcome[];
}

/** Runs a strategy with swap-ab consistency over items, through the worker's own program, and measures it. */
export async function measureJudge(options: SimulatorOptions, spec: ResolvedRunSpec, items: ReturnType<typeof judgeItems>): Promise<JudgeMeasure> {
  const { templates } = resolveTemplates(spec.templates);
  const context = { spec, templates, strategy: await resolveStrategy(spec.strategy, []) };
  let agree = 0;
  let flipped = 0;
  let accepted = 0;
  let curatedRight = 0;
  let tokens = 0;
  const outcomes: ProgramOutcome[] = [];
  for (const [i, item] of items.entries()) {
    const structured = { kind: 'pair' as const, ...item.instance };
    const payload = { runId: 'harness', index: i, line: i + 1, id: `item-${i}`, prompt: renderStructuredPrompt(structured, templates), answerType: 'verdict' as const, structured };
    const outcome = await runItemProgram(context, payload, new PlannerSampler(options));
    outcomes.push(outcome);
    tokens += outcome.usage.completionTokens;
    const [original, swapped] = outcome.variants ?? [];
    if (original?.answer === item.gold) agree++;
    if (swapped?.mapped === item.gold) agree++;
    if (original?.mapped === null || original?.mapped !== swapped?.mapped) flipped++;
    if (outcome.status === 'accepted') {
      accepted++;
      if (outcome.target === `[[${item.gold}]]`) curatedRight++;
    }
  }
  return {
    perOrderAgreement: agree / (2 * items.length),
    flipped: flipped / items.length,
    accepted,
    curatedAgreement: accepted === 0 ? 0 : curatedRight / accepted,
    tokensPerItem: tokens / items.length,
    outcomes,
  };
}
