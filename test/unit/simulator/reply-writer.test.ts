import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/core-types.js';
import { recogniseTask } from '../../../shared/tasks/task-registry.js';
import { planCompletion } from '../../../infra/simulator/completion-plan.js';
import { ask, extract, items, options, render } from './sim-harness.js';

const opts = options({ seed: 3 });

describe('simulated replies: determinism', () => {
  const item = items('last-letter', 1, 9)[0];
  if (!item) throw new Error('no item');
  const cot = render('cot', item);

  it('same simulator seed + same request -> same replies', () => {
    expect(ask(opts, cot, { n: 4, temperature: 0.8, seed: 5 })).toEqual(ask(options({ seed: 3 }), cot, { n: 4, temperature: 0.8, seed: 5 }));
  });

  it('a different simulator seed gives different replies', () => {
    const a = ask(opts, cot, { n: 8, temperature: 0.8, seed: 5 });
    const b = ask(options({ seed: 4 }), cot, { n: 8, temperature: 0.8, seed: 5 });
    expect(a).not.toEqual(b);
  });

  it('temperature 0 is greedy: identical choices, independent of the request seed', () => {
    const a = ask(opts, cot, { n: 5, temperature: 0, seed: 1 });
    expect(new Set(a).size).toBe(1);
    expect(ask(opts, cot, { n: 2, temperature: 0, seed: 99 })[0]).toBe(a[0]);
    expect(ask(opts, cot, { n: 1, temperature: 0 })[0]).toBe(a[0]);
  });

  it('temperature > 0: choices differ by index and by request seed', () => {
    const a = ask(opts, cot, { n: 8, temperature: 0.8, seed: 1 });
    expect(new Set(a).size).toBeGreaterThan(4);
    const b = ask(opts, cot, { n: 8, temperature: 0.8, seed: 2 });
    expect(b).not.toEqual(a);
  });

  it('honourN: false returns one choice', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: cot }];
    const plan = planCompletion({ model: 'm', messages, n: 6 }, messages, options({ honourN: false }));
    expect(plan.choices).toHaveLength(1);
  });

  it('max_tokens truncates with finish_reason length', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: cot }];
    const plan = planCompletion({ model: 'm', messages, n: 3, temperature: 1, seed: 1, max_tokens: 5 }, messages, opts);
    for (const c of plan.choices) {
      expect(c.finishReason).toBe('length');
      expect(c.completionTokens).toBe(5);
    }
    expect(plan.completionTokens).toBe(15);
  });
});

describe('simulated replies: content', () => {
  it('the rar2 rephrase keeps all the information and gives no answer', () => {
    for (const family of ['last-letter', 'coin-flip'] as const) {
      for (const [i, item] of items(family, 150, 4, 1 + (family.length % 5)).entries()) {
        for (const text of ask(opts, render('rar2Rephrase', item), { n: 2, temperature: 0.9, seed: i })) {
          expect(recogniseTask(text)).toEqual(item.task);
          expect(text).not.toMatch(/answer\s*(?:is|:)/i);
          expect(text).not.toMatch(/\b(?:yes|no)[.!]?$/i);
        }
      }
    }
    for (const k of [1, 3, 6]) {
      const [item] = items('coin-flip', 1, 40 + k, k);
      if (!item) throw new Error('no item');
      const [text = ''] = ask(opts, render('rar2Rephrase', item), { temperature: 0 });
      expect(recogniseTask(text)).toEqual(item.task);
    }
  });

  it('the rar2 answer call reads the task from the original question', () => {
    const [item] = items('coin-flip', 1, 6, 3);
    if (!item) throw new Error('no item');
    const misleading = 'A coin is tails up. Zed flips it. Is it tails up?';
    const right = options({ accuracy: { 'coin-flip': { rar2: 1 } }, behaviour: { unextractableShare: 0 } });
    const [text = ''] = ask(right, render('rar2Answer', item, misleading), { temperature: 0 });
    expect(extract(text, 'yes-no')).toBe(item.answer);
  });

  it('reasoning replies walk through every word / person and end in varied final-line forms', () => {
    const finals = new Set<string>();
    for (const [i, item] of items('coin-flip', 60, 5, 3).entries()) {
      for (const text of ask(opts, render('cot', item), { n: 4, temperature: 1, seed: i })) {
        const lines = text.split('\n');
        if (item.task.family === 'coin-flip' && extract(text, 'yes-no') !== null) {
          for (const t of item.task.instance.turns) expect(text).toContain(t.person);
        }
        const last = lines.at(-1) ?? '';
        finals.add(/^(Answer:|So the answer is|\*\*Answer:\*\*|Final answer:)/.exec(last)?.[1] ?? 'no final answer');
      }
    }
    expect(finals.size).toBeGreaterThanOrEqual(4);
  });

  it('direct replies are short', () => {
    for (const [i, item] of items('last-letter', 50, 6).entries()) {
      for (const text of ask(opts, render('system1', item), { n: 2, temperature: 1, seed: i })) {
        expect(text.length).toBeLessThan(30);
        expect(text).not.toContain('\n');
      }
    }
  });

  it('upper-case variants of a right answer are right after normalising', () => {
    const shouty = options({ accuracy: { 'last-letter': { direct: 1 } }, behaviour: { caseVariantShare: 1 } });
    for (const [i, item] of items('last-letter', 20, 7).entries()) {
      const [text = ''] = ask(shouty, render('system1', item), { temperature: 1, seed: i });
      expect(text).toContain(item.answer.toUpperCase());
      expect(extract(text, 'letters')).toBe(item.answer);
    }
  });

  it('an unrecognised prompt still gets a well-formed reply with an extractable final line', () => {
    for (const template of ['system1', 'cot', 'rar1', 'rar2Answer'] as const) {
      const question = { prompt: 'Is Paris the capital of Atlantis? Reply yes or no.', answer: 'yes', answerType: 'yes-no' as const, task: items('coin-flip', 1, 1)[0]?.task ?? null };
      if (question.task === null) throw new Error('no item');
      const text = ask(opts, render(template, { ...question, task: question.task }, 'Is Paris the capital city of Atlantis?'), { temperature: 0.5, seed: 1 })[0] ?? '';
      expect(text).toMatch(/\nAnswer: (yes|no)$/);
    }
    const [rephrase = ''] = ask(opts, render('rar2Rephrase', { prompt: 'Who wrote the Voynich manuscript?', answer: '', answerType: 'text', task: { family: 'coin-flip', instance: { startsHeadsUp: true, turns: [], asksHeadsUp: true } } }));
    expect(rephrase).toContain('Who wrote the Voynich manuscript?');
  });

  it('an unrecognised prompt is marked, and its samples guess differently (greedy stays one reply)', () => {
    const prompt = 'Suggest a title for a short story about a lighthouse keeper.';
    const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
    const plan = planCompletion({ model: 'm', messages, n: 8, temperature: 0.8, seed: 3 }, messages, opts);
    expect(plan.recognised).toBe(false);
    expect(new Set(plan.choices.map((c) => c.text)).size).toBeGreaterThan(4);
    expect(new Set(ask(opts, prompt, { n: 4, temperature: 0 })).size).toBe(1);
    const [item] = items('coin-flip', 1, 2);
    if (item === undefined) throw new Error('no item');
    const known: ChatMessage[] = [{ role: 'user', content: render('cot', item) }];
    expect(planCompletion({ model: 'm', messages: known }, known, opts).recognised).toBe(true);
  });
});
