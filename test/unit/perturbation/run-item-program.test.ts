import { describe, expect, it } from 'vitest';
import type { StructuredInput } from '../../../shared/core-types.js';
import { SharedCallsSampler } from '../../../shared/llm/shared-calls-sampler.js';
import type { Completion, Sampler } from '../../../shared/llm/sampler.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { getStrategy, resolveTemplates } from '../../../shared/strategies/strategy-registry.js';
import { runItemProgram } from '../../../workers/distill/run-item-program.js';
import { RecordingSampler, type Responder } from '../strategies/recording-sampler.js';
import { judgeSpec } from '../simulator/judge-harness.js';

const { templates } = resolveTemplates({});
const OPTIONS: StructuredInput = { kind: 'options', question: 'Which city is the capital of France?', options: ['Lyon', 'Paris', 'Nice', 'Lille'] };

/** Picks the option whose text is Paris, wherever it is shown: a content-consistent model. */
const picksParis: Responder = (prompt) => `[[${/([A-Z])\. Paris/.exec(prompt)?.[1] ?? '?'}]]`;

/** Each call takes a timer tick, as a real request does, so concurrent variants interleave round by round. */
class TickingSampler implements Sampler {
  constructor(private readonly inner: Sampler) {}
  async sample(...args: Parameters<Sampler['sample']>): Promise<Completion[]> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return this.inner.sample(...args);
  }
}

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

  it('adaptive: a variant stops drawing once another variant has settled the item as rejected', async () => {
    const pair: StructuredInput = { kind: 'pair', question: 'q', responseA: 'first', responseB: 'second' };
    // The original order gets no readable verdict (undecidable after 5 of 8 with the certain rejection alone; the
    // probabilistic one would stop it at 3, before the swapped order has drawn enough to be stopped); the swapped
    // order is a coin toss that would need all 8 samples.
    const respond: Responder = (prompt, index) => (prompt.indexOf('first') < prompt.indexOf('second') ? 'Hard to say.' : index % 2 === 0 ? '[[B]]' : '[[A]]');
    const spec = judgeSpec({
      strategy: 'system1',
      sampling: { samples: 8, temperature: 0.7, adaptive: { minSamples: 3, roundSize: 1, rejectBelow: 0 } },
      perturbations: { kinds: ['swap-ab'] },
    });
    const outcome = await runItemProgram({ spec, templates, strategy: getStrategy('system1') }, { ...payload(pair), answerType: 'verdict' }, new TickingSampler(new RecordingSampler(respond)));
    expect(outcome).toMatchObject({ status: 'rejected', code: 'no-extractable-answer' });
    const [original, swapped] = outcome.variants ?? [];
    expect(original?.sampling).toMatchObject({ drawn: 5, decision: 'undecidable' });
    expect(swapped?.sampling?.decision).toBe('abandoned');
    expect(swapped?.sampling?.why).toMatch(/: original was rejected \(no-extractable-answer\)$/);
    expect(swapped?.sampling?.drawn).toBeLessThan(8);
    expect(outcome.samples).toBe(5 + (swapped?.sampling?.drawn ?? NaN));
    expect(outcome.sampling).toMatchObject({ max: 16, decision: 'undecidable' });
  });

  it('adaptive: two variants settled on answers that disagree stop the third, and the item is inconsistent', async () => {
    // A position-biased model: every order answers its first option at once, except the last order, which dithers.
    let orders = 0;
    const seen = new Map<string, number>();
    const respond: Responder = (prompt, index) => {
      const order = seen.get(prompt) ?? seen.set(prompt, orders++).get(prompt) ?? 0;
      return order < 2 ? '[[A]]' : index % 2 === 0 ? '[[B]]' : '[[C]]';
    };
    const spec = judgeSpec({ strategy: 'system1', answerType: 'option', sampling: { samples: 8, temperature: 0.7, adaptive: { minSamples: 3, roundSize: 2 } }, perturbations: { kinds: ['shuffle-options'], variants: 2 } });
    const outcome = await runItemProgram({ spec, templates, strategy: getStrategy('system1') }, payload(OPTIONS), new TickingSampler(new RecordingSampler(respond)));
    expect(outcome).toMatchObject({ status: 'rejected', code: 'perturbation-inconsistent' });
    const decisions = outcome.variants?.map((v) => v.sampling?.decision);
    expect(decisions?.filter((d) => d === 'decided')).toHaveLength(2);
    expect(decisions?.filter((d) => d === 'abandoned')).toHaveLength(1);
    expect(outcome.status === 'rejected' && outcome.reason).toMatch(/stopped early/);
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
