import type { ChatMessage } from '../core-types.js';
import type { Completion, SampleOptions } from '../llm/sampler.js';
import type { SampleChain, Strategy, StrategyContext, StrategyName } from './strategy.js';
import { renderTemplate, type TemplateName } from './templates.js';

/** The sample indices a strategy run must produce chains for: `firstSample` (default 0) up to `samples` (exclusive). */
export function contextIndices(ctx: Pick<StrategyContext, 'samples' | 'firstSample'>): number[] {
  const first = ctx.firstSample ?? 0;
  return Array.from({ length: Math.max(0, ctx.samples - first) }, (_unused, offset) => first + offset);
}

/** Sampler options of a step whose one call serves every chain: fetch later rounds' completions with this round's. */
export function prefetchOf(ctx: Pick<StrategyContext, 'prefetchUntil'>): SampleOptions {
  return ctx.prefetchUntil === undefined ? {} : { prefetchUntil: ctx.prefetchUntil };
}

/** A single user message rendered from one template: every s2d prompt is one turn, so caching keys stay simple. */
export function userMessage(content: string): ChatMessage[] {
  return [{ role: 'user', content }];
}

/**
 * Guards the Sampler contract (one completion per requested index, in order): a short answer from a broken
 * sampler would otherwise silently shrink N and skew the vote.
 */
export function expectCompletions(completions: Completion[], expected: number, step: string): Completion[] {
  if (completions.length !== expected) {
    throw new Error(`sampler returned ${completions.length} completions for ${expected} sample indices (${step})`);
  }
  return completions;
}

/**
 * The one-call program shared by System 1, CoT and 1-step RaR: the same rendered prompt for every sample, asked
 * for in ONE `sampler.sample` call so the sampler can use `n` (the strategies differ only in their template).
 */
export function singleCallStrategy(name: StrategyName, system: 1 | 2, template: TemplateName): Strategy {
  return {
    name,
    system,
    async run(ctx: StrategyContext): Promise<SampleChain[]> {
      const vars = { question: ctx.prompt, answerType: ctx.answerType };
      const messages = userMessage(renderTemplate(ctx.templates[template], ctx.templates, vars));
      const indices = contextIndices(ctx);
      const completions = expectCompletions(await ctx.sampler.sample(messages, indices, ctx.params), indices.length, name);
      return completions.map((completion, i) => ({
        sampleIndex: indices[i] ?? i,
        finalText: completion.text,
        calls: 1,
        usage: completion.usage,
      }));
    },
  };
}
