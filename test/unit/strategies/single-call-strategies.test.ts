import { describe, expect, it } from 'vitest';
import { cotStrategy } from '../../../shared/strategies/cot.js';
import { rar1Strategy } from '../../../shared/strategies/rar1.js';
import type { StrategyContext } from '../../../shared/strategies/strategy.js';
import { resolveTemplates } from '../../../shared/strategies/strategy-registry.js';
import { system1Strategy } from '../../../shared/strategies/system1.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import { RecordingSampler } from './recording-sampler.js';

const QUESTION = 'Take the last letters of the words in "Mike Jack" and concatenate them.';
const PARAMS = { temperature: 0.8, maxTokens: 256 };

function context(sampler: RecordingSampler, samples = 4, templates = DEFAULT_TEMPLATES): StrategyContext {
  return { prompt: QUESTION, answerType: 'letters', templates, samples, params: PARAMS, sampler };
}

describe('one-call strategies', () => {
  it('system1 sends the bare question once for all samples', async () => {
    const sampler = new RecordingSampler();
    const chains = await system1Strategy.run(context(sampler));
    expect(system1Strategy).toMatchObject({ name: 'system1', system: 1 });
    expect(sampler.calls).toHaveLength(1);
    expect(sampler.calls[0]).toEqual({
      messages: [{ role: 'user', content: QUESTION }],
      sampleIndices: [0, 1, 2, 3],
      params: PARAMS,
    });
    expect(chains.map((c) => c.finalText)).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3']);
  });

  it.each([
    { strategy: cotStrategy, marker: 'step by step' },
    { strategy: rar1Strategy, marker: 'restate and expand' },
  ])('$strategy.name asks once for all samples with its template and the answer format', async ({ strategy, marker }) => {
    const sampler = new RecordingSampler();
    const chains = await strategy.run(context(sampler, 3));
    expect(strategy.system).toBe(2);
    expect(sampler.calls).toHaveLength(1);
    expect(sampler.calls[0]?.sampleIndices).toEqual([0, 1, 2]);
    const prompt = sampler.prompt(0);
    expect(prompt.startsWith(QUESTION)).toBe(true);
    expect(prompt).toContain(marker);
    expect(prompt).toMatch(/answer: <your answer>/i); // CoT: "Final answer: …"; RaR: "Answer: …"
    expect(prompt).toContain(DEFAULT_TEMPLATES.answerFormat.letters);
    expect(prompt).not.toMatch(/\{\{\w+\}\}/);
    expect(chains).toHaveLength(3);
  });

  it('records one call and its usage per chain, by sample index', async () => {
    const sampler = new RecordingSampler((_prompt, index) => 'x'.repeat(index + 1));
    const chains = await cotStrategy.run(context(sampler, 2));
    const promptTokens = sampler.prompt(0).length;
    expect(chains).toEqual([
      { sampleIndex: 0, finalText: 'x', calls: 1, usage: { promptTokens, completionTokens: 1 } },
      { sampleIndex: 1, finalText: 'xx', calls: 1, usage: { promptTokens, completionTokens: 2 } },
    ]);
  });

  it('applies template overrides, including the answer format', async () => {
    const { templates } = resolveTemplates({
      cot: 'Q: {{question}}\nThink first. {{answer_format}}',
      answerFormat: { letters: 'Letters only.' },
    });
    const sampler = new RecordingSampler();
    await cotStrategy.run(context(sampler, 1, templates));
    expect(sampler.prompt(0)).toBe(`Q: ${QUESTION}\nThink first. Letters only.`);
  });

  it('fails loudly when the sampler breaks its contract', async () => {
    const broken = new RecordingSampler();
    broken.sample = () => Promise.resolve([]);
    await expect(rar1Strategy.run(context(broken, 2))).rejects.toThrow(/0 completions for 2 sample indices/);
  });
});
