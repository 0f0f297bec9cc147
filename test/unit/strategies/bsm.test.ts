import { describe, expect, it } from 'vitest';
import type { StructuredInput } from '../../../shared/core-types.js';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { bsmStrategy } from '../../../shared/strategies/bsm.js';
import { parseCriteria, parsePairScores } from '../../../shared/strategies/bsm-parse.js';
import type { BsmOptions, StrategyContext } from '../../../shared/strategies/strategy.js';
import { DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';
import { RecordingSampler, type Responder } from './recording-sampler.js';

const PAIR: StructuredInput = {
  kind: 'pair',
  question: 'What is 12 plus 30?',
  responseA: 'RESPONSE-ALPHA says 42.',
  responseB: 'RESPONSE-BRAVO says 41.',
};

/** Branch replies list three criteria; solve replies score by criterion so the sum is predictable. */
const SCORES: Record<string, [number, number]> = { Correctness: [5, 1], Clarity: [2, 4], Brevity: [3, 3] };
const responder: Responder = (prompt) => {
  if (prompt.includes('propose up to')) return 'Here are the criteria:\n1. Correctness: is it right\n2. **Clarity**: easy to follow\n- Brevity: short';
  if (prompt.includes('Combine the evaluations')) return 'Overall B is better.\n[[B]]';
  const criterion = /Criterion: (\w+)/.exec(prompt)?.[1] ?? '';
  const [a, b] = SCORES[criterion] ?? [1, 1];
  return `Some reasoning about ${criterion}.\nScore A: ${a}\nScore B: ${b}`;
};

function context(sampler: RecordingSampler, bsm?: BsmOptions, structured: StructuredInput | undefined = PAIR): StrategyContext {
  return {
    prompt: 'rendered judge prompt',
    answerType: 'verdict',
    templates: { ...DEFAULT_TEMPLATES },
    samples: 1,
    params: { temperature: 0, maxTokens: 256 },
    sampler,
    structured,
    ...(bsm === undefined ? {} : { bsm }),
  };
}

describe('bsm strategy', () => {
  it('branches on the question only, solves once per criterion with that criterion alone, and sums the scores', async () => {
    const sampler = new RecordingSampler(responder);
    const [chain] = await bsmStrategy.run(context(sampler));
    const branch = sampler.prompt(0);
    expect(branch).toContain(PAIR.question);
    // The branch step never sees the responses.
    expect(branch).not.toContain('RESPONSE-ALPHA');
    expect(branch).not.toContain('RESPONSE-BRAVO');
    const solves = sampler.calls.slice(1).map((_call, i) => sampler.prompt(i + 1));
    expect(solves).toHaveLength(3);
    for (const [i, criterion] of ['Correctness', 'Clarity', 'Brevity'].entries()) {
      const solve = solves.find((p) => p.includes(`Criterion: ${criterion}`));
      expect(solve).toBeDefined();
      expect(solve).toContain('RESPONSE-ALPHA');
      expect(solve).toContain('RESPONSE-BRAVO');
      // Exactly one criterion per solve call.
      for (const otherCriterion of ['Correctness', 'Clarity', 'Brevity'].filter((_c, j) => j !== i)) expect(solve).not.toContain(`Criterion: ${otherCriterion}`);
    }
    // 5 + 2 + 3 = 10 for A, 1 + 4 + 3 = 8 for B.
    expect(chain?.finalText).toContain('Total: A 10, B 8');
    expect(extractAnswer(chain?.finalText ?? '', 'verdict')).toMatchObject({ ok: true, answer: 'A' });
    expect(chain?.calls).toBe(4);
    // Every call's tokens count (the recording sampler's completion tokens are reply lengths).
    const replies = sampler.calls.map((_c, i) => responder(sampler.prompt(i), 0).length);
    expect(chain?.usage.completionTokens).toBe(replies.reduce((a, b) => a + b, 0));
  });

  it('calls equal totals a tie, and caps the criteria at maxCriteria', async () => {
    // Clarity (2, 4) + Balance (4, 2) tie at 6; the third criterion (Correctness, 5 vs 1) is beyond the cap.
    const tieResponder: Responder = (prompt) => {
      if (prompt.includes('propose up to')) return '1. Clarity: y\n2. Balance: w\n3. Correctness: x';
      return prompt.includes('Criterion: Balance') ? 'Score A: 4\nScore B: 2' : responder(prompt, 0);
    };
    const sampler = new RecordingSampler(tieResponder);
    const [chain] = await bsmStrategy.run(context(sampler, { maxCriteria: 2, merge: 'sum' }));
    expect(sampler.prompt(0)).toContain('up to 2 distinct criteria');
    expect(sampler.calls).toHaveLength(3);
    expect(chain?.finalText).toContain('Total: A 6, B 6');
    expect(extractAnswer(chain?.finalText ?? '', 'verdict')).toMatchObject({ ok: true, answer: 'tie' });
  });

  it('with merge: llm, asks one more call shown every evaluation and takes its verdict', async () => {
    const sampler = new RecordingSampler(responder);
    const [chain] = await bsmStrategy.run(context(sampler, { maxCriteria: 5, merge: 'llm' }));
    const merge = sampler.prompt(sampler.calls.length - 1);
    expect(merge).toContain('Combine the evaluations');
    for (const criterion of Object.keys(SCORES)) expect(merge).toContain(`Criterion: ${criterion}`);
    expect(chain?.calls).toBe(5);
    expect(extractAnswer(chain?.finalText ?? '', 'verdict')).toMatchObject({ ok: true, answer: 'B' });
  });

  it('runs N chains with one branch call for all of them and leaves unreadable solves out of the sum', async () => {
    const sampler = new RecordingSampler((prompt, index) =>
      prompt.includes('propose up to') ? '1. Correctness: x\n2. Clarity: y' : prompt.includes('Correctness') ? 'I cannot decide.' : `Score A: ${index + 2}\nScore B: 3`,
    );
    const chains = await bsmStrategy.run({ ...context(sampler), samples: 3 });
    expect(sampler.calls[0]?.sampleIndices).toEqual([0, 1, 2]);
    expect(chains.map((c) => extractAnswer(c.finalText, 'verdict'))).toMatchObject([
      { ok: true, answer: 'B' },
      { ok: true, answer: 'tie' },
      { ok: true, answer: 'A' },
    ]);
    expect(chains[0]?.finalText).toContain('Correctness: x: no readable scores');
  });

  it('refuses an input without a pair', async () => {
    await expect(bsmStrategy.run(context(new RecordingSampler(responder), undefined, { kind: 'options', question: 'q', options: ['a', 'b'] }))).rejects.toThrow(/pair/);
  });
});

describe('BSM parsing', () => {
  it.each([
    ['Score A: 4\nScore B: 2', { a: 4, b: 2 }],
    ['Response A: 4/5\nResponse B: 2/5', { a: 4, b: 2 }],
    ["**Assistant A's score**: 5\nAssistant B's score = 1", { a: 5, b: 1 }],
    ['A: 3, B: 5', { a: 3, b: 5 }],
    ['Scores: [[4, 2]]', { a: 4, b: 2 }],
    ['Scores: 4 and 2', { a: 4, b: 2 }],
    ['Score A: 2 ... on reflection Score A: 4\nScore B: 3', { a: 4, b: 3 }],
    ['Score for response A - 3 out of 5. Score for response B - 4 out of 5.', { a: 3, b: 4 }],
  ])('reads %j', (text, expected) => {
    expect(parsePairScores(text)).toEqual(expected);
  });

  it.each(['Score A: 7\nScore B: 2', 'Score A: 4', 'both are fine', 'A is better than B'])('rejects %j', (text) => {
    expect(parsePairScores(text)).toBeNull();
  });

  it('reads criteria from numbered, bulleted or plain lines, deduplicated and capped', () => {
    expect(parseCriteria('Criteria:\n1. Accuracy: right\n2) Clarity\n- Accuracy: right\n* Tone', 5)).toEqual(['Accuracy: right', 'Clarity', 'Tone']);
    expect(parseCriteria('Accuracy\nClarity\nTone', 2)).toEqual(['Accuracy', 'Clarity']);
    expect(parseCriteria('', 5)).toEqual([]);
  });
});
