import { describe, expect, it } from 'vitest';
import type { StructuredInput } from '../../../shared/core-types.js';
import { SharedCallsSampler } from '../../../shared/llm/shared-calls-sampler.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { getStrategy, resolveTemplates } from '../../../shared/strategies/strategy-registry.js';
import { runItemProgram } from '../../../workers/distill/run-item-program.js';
import { RecordingSampler, type Responder } from '../strategies/recording-sampler.js';
import { judgeSpec } from '../simulator/judge-harness.js';

const { templates } = resolveTemplates({});
const OPTIONS: StructuredInput = { kind: 'options', question: 'Which city is the capital of France?', options: ['Lyon', 'Paris', 'Nice', 'Lille'] };

/** Picks the option whose text is Paris, wherever it is shown: a content-consistent model. */
const picksParis: Responder = (prompt) => `[[${/([A-Z])\. Paris/.exec(prompt)?.[1] ?? '?'}]]`;

function payload(structured: StructuredInput) {
  return { runId: 'r', index: 0, line: 1, id: 'item-0', prompt: renderStructuredPrompt(structured, templates), answerType: 'option' as const, structured };
}

describe('perturbation consistency through the worker program, any strategy', () => {
  it('shuffle-options with system1 x 3 samples: every shuffled order maps back to the same option, so the item is kept', async () => {
    const spec = judgeSpec({ strategy: 'system1', answerType: 'option', sampling: { samples: 3, temperature: 0.7 }, perturbations: { kinds: ['shuffle-options'], variants: 3 } });
    const sampler = new RecordingSampler(picksParis);
    const outcome = await runItemProgram({ spec, templates, strategy: getStrategy('system1') }, payload(OPTIONS), sampler);
    expect(outcome).toMatchObject({ status: 'accepted', target: 'B', samples: 12 });
    expect(outcome.variants?.map((v) => v.mapped)).toEqual(['B', 'B', 'B', 'B']);
    // Four distinct prompts (original + 3 orders), each asked for its 3 samples: no sample collapse across variants.
    expect(new Set(sampler.calls.map((_c, i) => sampler.prompt(i))).size).toBe(4);
    expect(sampler.calls.every((call) => call.sampleIndices.length === 3)).toBe(true);
  });

  it('a position-biased model (always the first option) is rejected with each variant answer in the reason', async () => {
    const spec = judgeSpec({ strategy: 'system1', answerType: 'option', sampling: { samples: 1, temperature: 0 }, perturbations: { kinds: ['shuffle-options'], variants: 2 } });
    const outcome = await runItemProgram({ spec, templates, strategy: getStrategy('system1') }, payload(OPTIONS), new RecordingSampler(() => '[[A]]'));
    expect(outcome).toMatchObject({ status: 'rejected', code: 'perturbation-inconsistent' });
    expect(outcome.status === 'rejected' && outcome.reason).toMatch(/^answers disagree across perturbations: original A; shuffle-options#1 A \(= [B-D] in the original\)/);
  });

  it('without perturbations a verdict target is still the bare System 1 judge verdict', async () => {
    const pair: StructuredInput = { kind: 'pair', question: 'q', responseA: 'a', responseB: 'b' };
    const spec = judgeSpec({ strategy: 'system1', sampling: { samples: 1, temperature: 0 } });
    const outcome = await runItemProgram({ spec, templates, strategy: getStrategy('system1') }, { ...payload(pair), answerType: 'verdict' }, new RecordingSampler(() => 'Response B is better.'));
    expect(outcome).toMatchObject({ status: 'accepted', target: '[[B]]' });
    expect(outcome.variants).toBeUndefined();
  });
});

describe('SharedCallsSampler', () => {
  it('pays once for identical concurrent calls and marks the shared copy cached, with no usage of its own; different calls are separate', async () => {
    const inner = new RecordingSampler((prompt, index) => `${prompt}#${index}`);
    const shared = new SharedCallsSampler(inner);
    const params = { temperature: 0, maxTokens: 10 };
    const msg = [{ role: 'user' as const, content: 'same' }];
    const [first, second, other] = await Promise.all([shared.sample(msg, [0], params), shared.sample(msg, [0], params), shared.sample(msg, [1], params)]);
    expect(inner.calls).toHaveLength(2);
    expect(second[0]?.text).toBe(first[0]?.text);
    expect(first[0]?.cached).toBe(false);
    expect(second[0]?.cached).toBe(true);
    // The tokens were paid once, by the first asker: item and manifest token totals must not count them twice.
    expect(first[0]?.usage.promptTokens).toBeGreaterThan(0);
    expect(second[0]?.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(other[0]?.text).toBe('same#1');
  });
});
