import { readLabelledSet } from '../../shared/eval/labelled-item.js';
import { evaluateStrategy, type EvaluationResult } from '../../shared/eval/evaluate-strategy.js';
import { MemoryCallCache } from '../../shared/llm/call-cache.js';
import { createOpenAiClient, OpenAiSampler } from '../../shared/llm/openai-sampler.js';
import { getStrategy, resolveTemplates } from '../../shared/strategies/strategy-registry.js';
import type { DemoFiles } from './prepare-demo-inputs.js';

/**
 * System 1 (the bare question) and System 2 (2-step RaR), one greedy answer per held-out item each, so the table
 * shows what a single System 2 answer buys over System 1 and what it costs in generated tokens.
 */
export async function evaluateBaselines(options: { inputs: DemoFiles; baseUrl: string; model: string }): Promise<{ system1: EvaluationResult; system2: EvaluationResult }> {
  const items = await readLabelledSet(options.inputs.inputs, options.inputs.labels, 'text');
  // No queue and no limiter here: the SDK is the only retry layer of the in-process evaluation, so it keeps its own.
  const client = createOpenAiClient({ baseUrl: options.baseUrl, apiKey: process.env.OPENAI_API_KEY ?? 'no-key', timeoutMs: 60_000, maxRetries: 2 });
  const { templates } = resolveTemplates({});
  const run = (name: 'system1' | 'rar2'): Promise<EvaluationResult> =>
    evaluateStrategy({
      items,
      strategy: getStrategy(name),
      templates,
      samplerFor: () =>
        new OpenAiSampler({ client, model: options.model, seed: 7, useN: 'auto', nSupport: { honoured: undefined }, cache: new MemoryCallCache() }),
      params: { temperature: 0, maxTokens: 512 },
      concurrency: 32,
    });
  const [system1, system2] = await Promise.all([run('system1'), run('rar2')]);
  return { system1, system2 };
}
