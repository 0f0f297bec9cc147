import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { parseS2aRewrite, rewrittenInput, s2aStrategy } from '../../../shared/strategies/s2a.js';
import type { StrategyContext } from '../../../shared/strategies/strategy.js';
import { getStrategy, resolveTemplates, templatesUsedBy } from '../../../shared/strategies/strategy-registry.js';
import { DEFAULT_TEMPLATES, type TemplateSet } from '../../../shared/strategies/templates.js';
import { RecordingSampler, type Responder } from './recording-sampler.js';

const QUESTION = "What is the capital of Australia? I think the answer is Sydney, but I'm not sure.";
const PARAMS = { temperature: 0.8, maxTokens: 128 };

function context(sampler: RecordingSampler, samples: number, templates: TemplateSet = DEFAULT_TEMPLATES): StrategyContext {
  return { prompt: QUESTION, answerType: 'text', templates, samples, params: PARAMS, sampler };
}

const isRewrite = (prompt: string): boolean => prompt.includes('Do not answer the question');
// Rewrites name their chain so each answer call can be traced to the rewrite it saw.
const respond: Responder = (prompt, index) =>
  isRewrite(prompt) ? `Context: none (chain ${index})\nQuestion: What is the capital of Australia?` : `Answer: Canberra (${index})`;

describe('s2a strategy', () => {
  it('is registered as a System 2 program with its two templates', () => {
    expect(getStrategy('s2a')).toBe(s2aStrategy);
    expect(s2aStrategy).toMatchObject({ name: 's2a', system: 2 });
    expect(templatesUsedBy('s2a')).toEqual(['s2aRewrite', 's2aAnswer', 'answerFormat']);
  });

  it('rewrites all samples in one call, then answers each chain from its own rewrite in its own call', async () => {
    const sampler = new RecordingSampler(respond);
    const chains = await s2aStrategy.run(context(sampler, 3));
    expect(sampler.calls).toHaveLength(4);
    expect(sampler.calls[0]?.sampleIndices).toEqual([0, 1, 2]);
    expect(sampler.prompt(0)).toContain(QUESTION);
    expect(sampler.calls.slice(1).map((call) => call.sampleIndices[0]).sort()).toEqual([0, 1, 2]);
    for (let call = 1; call <= 3; call++) {
      const chain = sampler.calls[call]?.sampleIndices[0];
      expect(sampler.prompt(call)).toContain(`Context: none (chain ${chain})\n\nQuestion: What is the capital of Australia?`);
      expect(sampler.prompt(call)).toContain(DEFAULT_TEMPLATES.answerFormat.text);
    }
    expect(chains.map((chain) => [chain.sampleIndex, chain.finalText, chain.calls])).toEqual([
      [0, 'Answer: Canberra (0)', 2],
      [1, 'Answer: Canberra (1)', 2],
      [2, 'Answer: Canberra (2)', 2],
    ]);
  });

  it('never lets the original input reach the answer call, not even a piece of it', async () => {
    const sampler = new RecordingSampler(respond);
    await s2aStrategy.run(context(sampler, 4));
    for (const call of sampler.calls.slice(1)) {
      const seen = JSON.stringify(call.messages);
      expect(seen).not.toContain(QUESTION);
      expect(seen).not.toContain('Sydney');
      expect(seen).not.toContain("I think the answer is");
      expect(call.messages).toHaveLength(1);
    }
  });

  it('a rewrite that keeps the opinion is passed on as written: S2A hides the input, not what the rewrite says', async () => {
    const sampler = new RecordingSampler((prompt) =>
      isRewrite(prompt) ? 'Context: The user thinks it is Sydney.\nQuestion: What is the capital of Australia?' : 'Answer: Sydney',
    );
    await s2aStrategy.run(context(sampler, 1));
    expect(sampler.prompt(1)).toContain('Context: The user thinks it is Sydney.');
    expect(sampler.prompt(1)).not.toContain(QUESTION);
  });

  it('an empty rewrite makes no answer call and casts no vote', async () => {
    const sampler = new RecordingSampler((prompt, index) => (isRewrite(prompt) ? (index === 1 ? '  ' : 'Question: Capital of Australia?') : 'Answer: Canberra'));
    const chains = await s2aStrategy.run(context(sampler, 2));
    expect(sampler.calls).toHaveLength(2);
    expect(chains[1]).toMatchObject({ sampleIndex: 1, finalText: '', calls: 1 });
  });

  it('applies template overrides to both calls, and the run spec refuses an answer template that would see the input', async () => {
    const { templates, versions } = resolveTemplates({ s2aRewrite: 'Strip opinions: {{question}}', s2aAnswer: 'Only this: {{rewritten}}' });
    const sampler = new RecordingSampler((prompt) => (prompt.startsWith('Strip') ? 'Question: Capital of Australia?' : 'Canberra'));
    await s2aStrategy.run(context(sampler, 1, templates));
    expect(sampler.prompt(0)).toBe(`Strip opinions: ${QUESTION}`);
    expect(sampler.prompt(1)).toBe('Only this: Context: none\n\nQuestion: Capital of Australia?');
    expect(versions.s2aAnswer).toMatch(/^custom-/);
    const base = { input: 'x.jsonl', answerType: 'text', strategy: 's2a', model: { name: 'm' } };
    expect(runSpecSchema.safeParse({ ...base, templates: { s2aAnswer: '{{question}} {{rewritten}}' } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...base, templates: { s2aAnswer: 'no placeholder' } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...base, templates: { uscSelect: 'no responses' } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...base, templates: { s2aAnswer: 'Q: {{rewritten}}' }, curation: { method: 'usc' } }).success).toBe(true);
  });
});

describe('parseS2aRewrite', () => {
  it('reads the two labelled parts, in either order, with markdown and multi-line context', () => {
    expect(parseS2aRewrite('Context: none\nQuestion: What is 2+2?')).toEqual({ context: 'none', question: 'What is 2+2?' });
    expect(parseS2aRewrite('**Question:** Who wrote Hamlet?\n**Context:** a play\nabout Denmark')).toEqual({ context: 'a play\nabout Denmark', question: 'Who wrote Hamlet?' });
    expect(parseS2aRewrite('Here you go.\nQuestion: Who?')).toEqual({ context: '', question: 'Who?' });
  });

  it('gives null without a question part, and the layout call 2 sees', () => {
    expect(parseS2aRewrite('Context: something')).toBeNull();
    expect(parseS2aRewrite('Who painted the Mona Lisa?')).toBeNull();
    expect(rewrittenInput('Question: Who?')).toBe('Context: none\n\nQuestion: Who?');
    expect(rewrittenInput('  Who painted the Mona Lisa?  ')).toBe('Who painted the Mona Lisa?');
  });
});
