import { extractAnswer } from '../extraction/extract-answer.js';
import { normaliseAnswer } from '../extraction/normalise-answer.js';
import type { Sampler, SamplingParams } from '../llm/sampler.js';
import type { Strategy } from '../strategies/strategy.js';
import type { TemplateSet } from '../strategies/templates.js';
import { tallyAccuracy, type AccuracyTally, type TallyInput } from './accuracy-tally.js';
import type { LabelledItem } from './labelled-item.js';

export interface EvaluateOptions {
  items: readonly LabelledItem[];
  strategy: Strategy;
  templates: TemplateSet;
  /** A sampler per item (so each item's calls are cached and counted on their own). */
  samplerFor: (item: LabelledItem) => Sampler;
  params: SamplingParams;
  /** Items evaluated at once. Default 16. */
  concurrency?: number;
}

export interface EvaluationResult {
  strategy: string;
  overall: AccuracyTally;
  byTask: Record<string, AccuracyTally>;
}

/**
 * Runs a strategy once per labelled item (its single answer, no voting) and scores it against the gold label.
 * This is how System 1 and System 2 are compared: accuracy and generated tokens per item.
 */
export async function evaluateStrategy(options: EvaluateOptions): Promise<EvaluationResult> {
  const outcomes: TallyInput[] = new Array<TallyInput>(options.items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.items.length) {
      const position = next++;
      const item = options.items[position];
      if (item === undefined) return;
      outcomes[position] = await scoreItem(item, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 16) }, worker));
  return { strategy: options.strategy.name, ...tallyAccuracy(outcomes) };
}

async function scoreItem(item: LabelledItem, options: EvaluateOptions): Promise<TallyInput> {
  const [chain] = await options.strategy.run({
    prompt: item.prompt,
    answerType: item.answerType,
    templates: options.templates,
    samples: 1,
    params: options.params,
    sampler: options.samplerFor(item),
  });
  if (chain === undefined) throw new Error(`strategy ${options.strategy.name} returned no chain for ${item.id}`);
  const extraction = extractAnswer(chain.finalText, item.answerType);
  const gold = normaliseAnswer(item.gold, item.answerType);
  return {
    task: item.task,
    correct: extraction.ok && gold !== null && extraction.answer === gold,
    extracted: extraction.ok,
    completionTokens: chain.usage.completionTokens,
    promptTokens: chain.usage.promptTokens,
    calls: chain.calls,
  };
}
