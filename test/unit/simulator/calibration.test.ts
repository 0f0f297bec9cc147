import { describe, expect, it } from 'vitest';
import type { TaskName } from '../../../shared/tasks/task-family.js';
import { countTokens } from '../../../infra/simulator/token-count.js';
import { extract, items, options, runStrategy, type Strategy } from './sim-harness.js';

/**
 * Calibration: over many generated items, one sample each, the observed accuracy (extractable AND right) per task
 * family and strategy is the configured rate. Everything is seeded, so the numbers are fixed; the tolerance is
 * ~3.5 standard errors at this sample size (8000 items), so a real miscalibration fails and a reseed would not.
 */
const ITEMS = 8000;
const TOLERANCE = 0.02;
const STRATEGIES: readonly Strategy[] = ['direct', 'cot', 'rar1', 'rar2'];
const FAMILIES = ['last-letter', 'coin-flip'] as const satisfies readonly TaskName[];
const opts = options({ seed: 11 });

interface Measured {
  accuracy: number;
  unextractable: number;
  meanTokens: number;
  wrongAnswers: Map<string, number>;
}

function measure(family: TaskName, strategy: Strategy): Measured {
  let right = 0;
  let none = 0;
  let tokens = 0;
  const wrongAnswers = new Map<string, number>();
  items(family, ITEMS, 1).forEach((item, i) => {
    const text = runStrategy(opts, strategy, item, 1, i)[0] ?? '';
    tokens += countTokens(text);
    const answer = extract(text, item.answerType);
    if (answer === null) none++;
    else if (answer === item.answer) right++;
    else wrongAnswers.set(`${item.answer}->${answer}`, (wrongAnswers.get(`${item.answer}->${answer}`) ?? 0) + 1);
  });
  return { accuracy: right / ITEMS, unextractable: none / ITEMS, meanTokens: tokens / ITEMS, wrongAnswers };
}

const measured = new Map<string, Measured>();
const get = (family: TaskName, strategy: Strategy): Measured => {
  const key = `${family}/${strategy}`;
  let m = measured.get(key);
  if (!m) {
    m = measure(family, strategy);
    measured.set(key, m);
  }
  return m;
};

describe('simulator calibration (default templates, default accuracies)', () => {
  for (const family of FAMILIES) {
    for (const strategy of STRATEGIES) {
      it(`${family} / ${strategy}: accuracy within ${TOLERANCE} of the configured rate`, () => {
        const m = get(family, strategy);
        const target = opts.accuracy[family][strategy];
        console.log(`calibration ${family} ${strategy}: configured ${target}, measured ${m.accuracy.toFixed(3)}, unextractable ${m.unextractable.toFixed(3)}, mean completion tokens ${m.meanTokens.toFixed(1)}`);
        expect(Math.abs(m.accuracy - target)).toBeLessThan(TOLERANCE);
      });
    }

    it(`${family}: direct < rar1 < rar2, as in the paper`, () => {
      expect(get(family, 'direct').accuracy).toBeLessThan(get(family, 'rar1').accuracy);
      expect(get(family, 'rar1').accuracy).toBeLessThan(get(family, 'rar2').accuracy);
    });

    it(`${family}: only reasoning replies go unextractable, at about the configured share`, () => {
      expect(get(family, 'direct').unextractable).toBe(0);
      for (const s of ['cot', 'rar1', 'rar2'] as const) {
        expect(get(family, s).unextractable).toBeGreaterThan(0.015);
        expect(get(family, s).unextractable).toBeLessThan(0.05);
      }
    });

    it(`${family}: System 2 spends real tokens, System 1 very few`, () => {
      expect(get(family, 'direct').meanTokens).toBeLessThan(8);
      for (const s of ['cot', 'rar1', 'rar2'] as const) {
        expect(get(family, s).meanTokens).toBeGreaterThan(30);
        expect(get(family, s).meanTokens).toBeLessThan(250);
      }
    });
  }

  it('last-letter wrong answers are varied', () => {
    const wrong = get('last-letter', 'direct').wrongAnswers;
    const shapes = new Set<string>();
    for (const key of wrong.keys()) {
      const [right = '', given = ''] = key.split('->');
      if (given.length < right.length) shapes.add('shorter');
      else if (given.length > right.length) shapes.add('longer');
      else if (Array.from(given).reverse().join('') === right) shapes.add('reversed');
      else shapes.add('other same-length');
    }
    expect(wrong.size).toBeGreaterThan(500);
    expect(shapes).toEqual(new Set(['shorter', 'longer', 'reversed', 'other same-length']));
  });

  it('8-sample majority votes: the right answer usually wins, more often with rar2 than direct', () => {
    const plurality = (family: TaskName, strategy: Strategy): number => {
      const sample = items(family, 300, 2);
      let wins = 0;
      sample.forEach((item, i) => {
        const votes = new Map<string, number>();
        for (const text of runStrategy(opts, strategy, item, 8, 5000 + i)) {
          const a = extract(text, item.answerType);
          if (a !== null) votes.set(a, (votes.get(a) ?? 0) + 1);
        }
        const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
        if (ranked[0]?.[0] === item.answer && (ranked[1]?.[1] ?? 0) < ranked[0][1]) wins++;
      });
      return wins / sample.length;
    };
    for (const family of FAMILIES) {
      const direct = plurality(family, 'direct');
      const rar2 = plurality(family, 'rar2');
      console.log(`majority-of-8 right (strict plurality) ${family}: direct ${direct.toFixed(2)}, rar2 ${rar2.toFixed(2)}`);
      expect(rar2).toBeGreaterThan(0.65);
      expect(rar2).toBeGreaterThan(direct + 0.1);
      // Voting has real work to do: it is not already perfect.
      expect(rar2).toBeLessThan(0.995);
    }
  });

  it('a configured accuracy is honoured (all wrong / all right)', () => {
    const item = items('last-letter', 40, 3);
    const allRight = options({ accuracy: { 'last-letter': { cot: 1 } }, behaviour: { unextractableShare: 0 } });
    const allWrong = options({ accuracy: { 'last-letter': { cot: 0 } } });
    for (const [i, it] of item.entries()) {
      expect(extract(runStrategy(allRight, 'cot', it, 1, i)[0] ?? '', 'letters')).toBe(it.answer);
      expect(extract(runStrategy(allWrong, 'cot', it, 1, i)[0] ?? '', 'letters')).not.toBe(it.answer);
    }
  });
});
