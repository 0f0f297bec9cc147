import { describe, expect, it } from 'vitest';
import { rar2Strategy } from '../../../shared/strategies/rar2.js';
import type { StrategyContext } from '../../../shared/strategies/strategy.js';
import { resolveTemplates } from '../../../shared/strategies/strategy-registry.js';
import { DEFAULT_TEMPLATES, type TemplateSet } from '../../../shared/strategies/templates.js';
import { RecordingSampler, type Responder } from './recording-sampler.js';

const QUESTION = 'A coin is heads up. Ana flips it. Ben does not. Is it still heads up?';
const PARAMS = { temperature: 0.7, maxTokens: 128 };

function context(sampler: RecordingSampler, samples: number, templates: TemplateSet = DEFAULT_TEMPLATES): StrategyContext {
  return { prompt: QUESTION, answerType: 'yes-no', templates, samples, params: PARAMS, sampler };
}

// Rephrase calls get "restatement <i>", answer calls get "Answer: no (<i>)".
const respond: Responder = (prompt, index) =>
  prompt.includes('Do not answer it') ? `  restatement ${index}  ` : `Answer: no (${index})`;

describe('rar2', () => {
  it('rephrases all samples in one call, then answers each chain in its own call', async () => {
    const sampler = new RecordingSampler(respond);
    const chains = await rar2Strategy.run(context(sampler, 3));
    expect(rar2Strategy).toMatchObject({ name: 'rar2', system: 2 });
    expect(sampler.calls).toHaveLength(4);
    expect(sampler.calls[0]?.sampleIndices).toEqual([0, 1, 2]);
    expect(sampler.calls.slice(1).map((call) => call.sampleIndices)).toEqual([[0], [1], [2]]);
    expect(sampler.calls.every((call) => call.params === PARAMS)).toBe(true);
    expect(chains.map((chain) => [chain.sampleIndex, chain.finalText, chain.calls])).toEqual([
      [0, 'Answer: no (0)', 2],
      [1, 'Answer: no (1)', 2],
      [2, 'Answer: no (2)', 2],
    ]);
  });

  it('asks call 1 only for a restatement, never for an answer format', async () => {
    const sampler = new RecordingSampler(respond);
    await rar2Strategy.run(context(sampler, 2));
    const rephrase = sampler.prompt(0);
    expect(rephrase).toContain(QUESTION);
    expect(rephrase).not.toContain('Answer:');
    for (const format of Object.values(DEFAULT_TEMPLATES.answerFormat)) expect(rephrase).not.toContain(format);
  });

  it("shows call 2 of chain i the original question and chain i's restatement", async () => {
    const sampler = new RecordingSampler(respond);
    await rar2Strategy.run(context(sampler, 3));
    for (const i of [0, 1, 2]) {
      const call = sampler.calls[i + 1];
      const prompt = sampler.prompt(i + 1);
      const chainIndex = call?.sampleIndices[0];
      expect(prompt).toContain(QUESTION);
      expect(prompt).toContain(`restatement ${chainIndex}`);
      for (const other of [0, 1, 2].filter((j) => j !== chainIndex)) expect(prompt).not.toContain(`restatement ${other}`);
      expect(prompt).toContain(DEFAULT_TEMPLATES.answerFormat['yes-no']);
    }
  });

  it('adds the usage of both steps to each chain', async () => {
    const sampler = new RecordingSampler(respond);
    const [chain] = await rar2Strategy.run(context(sampler, 1));
    const rephraseUsage = { promptTokens: sampler.prompt(0).length, completionTokens: '  restatement 0  '.length };
    const answerUsage = { promptTokens: sampler.prompt(1).length, completionTokens: 'Answer: no (0)'.length };
    expect(chain?.usage).toEqual({
      promptTokens: rephraseUsage.promptTokens + answerUsage.promptTokens,
      completionTokens: rephraseUsage.completionTokens + answerUsage.completionTokens,
    });
  });

  it('runs the answer calls concurrently', async () => {
    let inFlight = 0;
    let peak = 0;
    const sampler = new RecordingSampler(respond);
    const record = sampler.sample.bind(sampler);
    sampler.sample = async (messages, indices, params) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return record(messages, indices, params);
    };
    await rar2Strategy.run(context(sampler, 4));
    expect(peak).toBe(4);
  });

  it('still answers a chain whose restatement came back empty', async () => {
    const sampler = new RecordingSampler((prompt, index) =>
      prompt.includes('Do not answer it') ? (index === 1 ? '   ' : `restatement ${index}`) : 'Answer: yes',
    );
    const chains = await rar2Strategy.run(context(sampler, 2));
    expect(chains).toHaveLength(2);
    const emptyChainCall = sampler.calls.findIndex((call, i) => i > 0 && call.sampleIndices[0] === 1);
    expect(sampler.prompt(emptyChainCall)).toContain(QUESTION);
    expect(chains[1]?.finalText).toBe('Answer: yes');
  });

  it('applies overrides to both steps', async () => {
    const { templates } = resolveTemplates({
      rar2Rephrase: 'Rewrite: {{question}}',
      rar2Answer: 'Original: {{question}}\nRewritten: {{rephrased}}\n{{answer_format}}',
      answerFormat: { 'yes-no': 'Say yes or no.' },
    });
    const sampler = new RecordingSampler((prompt, index) => (prompt.startsWith('Rewrite:') ? `R${index}` : 'yes'));
    await rar2Strategy.run(context(sampler, 1, templates));
    expect(sampler.prompt(0)).toBe(`Rewrite: ${QUESTION}`);
    expect(sampler.prompt(1)).toBe(`Original: ${QUESTION}\nRewritten: R0\nSay yes or no.`);
  });
});
