import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random/seeded-random.js';
import { arithmeticFamily } from '../../../shared/tasks/arithmetic.js';
import { recogniseTask } from '../../../shared/tasks/task-registry.js';

/** An independent reading of a generated prompt: numbers and operation words in order, computed here. */
function recompute(prompt: string): number {
  const sentences = prompt.split(/(?<=[.?])\s+/);
  const words: Record<string, number> = { doubles: 2, triples: 3 };
  let value = Number(/(\d+)/.exec(sentences[0] ?? '')?.[1]);
  for (const s of sentences.slice(1)) {
    if (s.endsWith('?')) break;
    const n = Number(/(\d+)/.exec(s)?.[1] ?? NaN);
    if (s.includes('equally')) value /= n;
    else if (s.includes('times')) value *= n;
    else if (/doubles|triples/.exec(s)) value *= words[/doubles|triples/.exec(s)?.[0] ?? ''] ?? NaN;
    else if (/gives \d+|loses|sells|uses/.test(s)) value -= n;
    else value += n;
  }
  return value;
}

describe('arithmetic word problems', () => {
  const generated = Array.from({ length: 500 }, (_, i) => arithmeticFamily.generate(createRng('arith-test', i)));

  it('labels are the computed final quantity (recomputed independently from the wording)', () => {
    for (const g of generated) expect(String(recompute(g.prompt))).toBe(g.answer);
  });

  it('has 3 to 5 operations by default, several wordings, and positive integer intermediate values', () => {
    const lengths = new Set(generated.map((g) => g.instance.steps.length));
    expect([...lengths].sort()).toEqual([3, 4, 5]);
    expect(new Set(generated.map((g) => g.prompt.split(' ').slice(0, 3).join(' '))).size).toBeGreaterThan(20);
    for (const g of generated) {
      let value = g.instance.start;
      for (const step of g.instance.steps) {
        value = step.op === 'add' ? value + step.value : step.op === 'sub' ? value - step.value : step.op === 'mul' ? value * step.value : value / step.value;
        expect(Number.isInteger(value) && value > 0).toBe(true);
      }
    }
  });

  it('keeps the label out of the prompt wording and is reproducible from the seed', () => {
    const again = arithmeticFamily.generate(createRng('arith-test', 7));
    expect(again).toEqual(generated[7]);
    expect(generated.every((g) => !g.prompt.includes('answer'))).toBe(true);
  });

  it('is recognised in its own wording, with instructions appended, and in another wording', () => {
    for (const g of generated.slice(0, 100)) {
      const task = recogniseTask(`${g.prompt}\n\nThink step by step. End with "Final answer: <your answer>".`);
      expect(task?.family === 'arithmetic' ? arithmeticFamily.solve(task.instance) : null).toBe(g.answer);
    }
    const other = recogniseTask('Mia started the morning with 40 stickers. She gave away 12. Then she doubled what was left. Later she found 4 more. How many stickers does Mia have?');
    expect(other?.family === 'arithmetic' ? arithmeticFamily.solve(other.instance) : null).toBe('60');
  });

  it('honours k (number of operations)', () => {
    expect(arithmeticFamily.generate(createRng('k'), { k: 4 }).instance.steps).toHaveLength(4);
    expect(() => arithmeticFamily.generate(createRng('k'), { k: 0 })).toThrow(RangeError);
  });

  it.each<[string, { start: number; steps: { op: string; value: number }[] }]>([
    // Someone else gives TO the person: an addition.
    ['Ann has 10 marbles. Bob gives her 5 marbles. How many marbles does Ann have?', { start: 10, steps: [{ op: 'add', value: 5 }] }],
    ['Omar has 7 cards. His sister gives Omar 4 more cards. How many cards does Omar have?', { start: 7, steps: [{ op: 'add', value: 4 }] }],
    ['Ann has 12 apples. Then she gives 3 to Bob. How many apples does Ann have now?', { start: 12, steps: [{ op: 'sub', value: 3 }] }],
    // "There are N ..." starts a problem; the number may come before its verb.
    ['There are 15 birds on a tree. 6 fly away. How many birds are left?', { start: 15, steps: [{ op: 'sub', value: 6 }] }],
    ['There were 20 people on a bus. 7 got off and 3 more got on. How many people are on the bus?', { start: 20, steps: [{ op: 'sub', value: 7 }, { op: 'add', value: 3 }] }],
  ])('reads other wordings: %s', (text, instance) => {
    expect(arithmeticFamily.recognise(text)).toEqual(instance);
  });
});
