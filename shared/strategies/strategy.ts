import type { AnswerType, StructuredInput, TokenUsage } from '../core-types.js';
import type { Sampler, SamplingParams } from '../llm/sampler.js';
import type { TemplateSet } from './templates.js';

export const STRATEGY_NAMES = ['system1', 'cot', 'rar1', 'rar2', 's2a', 'bsm'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface StrategyContext {
  /** The user's input exactly as given. */
  prompt: string;
  answerType: AnswerType;
  templates: TemplateSet;
  /**
   * End (exclusive) of the sample indices to produce chains for: chains `firstSample`..`samples - 1`. Without
   * adaptive sampling `firstSample` is 0 and this is N, the number of independent chains.
   */
  samples: number;
  /**
   * First sample index to produce (adaptive sampling draws later rounds as `firstSample`..`samples - 1`). Default 0.
   * A program that ignores it and produces chains 0..`samples - 1` still works: the earlier chains' calls come from
   * the item's call cache (same messages, same sample index), cost nothing, and are dropped by the round.
   */
  firstSample?: number;
  /**
   * The most sample indices this item may draw, when it draws in rounds (adaptive sampling). A step whose one call
   * serves every chain (rar2's rephrase, s2a's rewrite) passes it to the sampler as `prefetchUntil`, so an
   * `n`-capable endpoint serves the later rounds' first steps in round 1's request. Default: none.
   */
  prefetchUntil?: number;
  params: SamplingParams;
  sampler: Sampler;
  /** The input's structured form, when it has one (BSM needs a `pair`). */
  structured?: StructuredInput | undefined;
  /** BSM settings (run spec `bsm`); defaults apply when absent. */
  bsm?: BsmOptions;
}

/** Branch-Solve-Merge settings. */
export interface BsmOptions {
  /** Most criteria the branch step may propose and solve. Default 5 (the method's setting). */
  maxCriteria: number;
  /** `sum`: add up the scores, equal totals are a tie. `llm`: one more call merges the evaluations. Default `sum`. */
  merge: 'sum' | 'llm';
}

/** The outcome of one sample chain: the text that holds its final answer, and what the chain cost. */
export interface SampleChain {
  sampleIndex: number;
  finalText: string;
  /** LLM completions this chain used (cached or paid). */
  calls: number;
  usage: TokenUsage;
  /**
   * Final texts of the same chain run on perturbed inputs that must not change the answer (e.g. candidates A and
   * B swapped), already mapped back to the original's answer frame. Optional: strategies that perturb fill it,
   * and evaluation then reports the item's consistency (`shared/eval/item-consistency.ts`).
   */
  variantTexts?: readonly string[];
}

/** A System 1 or System 2 prompting program over an injected sampler. Pure apart from the sampler. */
export interface Strategy {
  /** A built-in program's StrategyName; a user-defined program's own name. */
  name: string;
  /** Whether the program spends intermediate tokens before its final answer. */
  system: 1 | 2;
  /** The structured input every item must carry (checked by the producer, so a bad line is an input reject). */
  requires?: StructuredInput['kind'];
  run(ctx: StrategyContext): Promise<SampleChain[]>;
}

/** The parts of a run or eval spec a strategy run depends on. */
export interface StrategySettings {
  sampling: { samples: number; temperature: number; maxTokens: number };
  bsm: BsmOptions;
}

/** The context of one strategy run on one input (or one perturbed variant of it), the same for distillation and eval. */
export function strategyContext(
  settings: StrategySettings,
  templates: TemplateSet,
  input: { prompt: string; answerType: AnswerType; structured: StructuredInput | undefined },
  sampler: Sampler,
): StrategyContext {
  const { sampling } = settings;
  return {
    ...input,
    templates,
    samples: sampling.samples,
    params: { temperature: sampling.temperature, maxTokens: sampling.maxTokens },
    sampler,
    bsm: settings.bsm,
  };
}
