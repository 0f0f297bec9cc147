import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random/seeded-random.js';
import { coinFlipFamily, type CoinFlipInstance } from '../../../shared/tasks/coin-flip.js';

const read = (text: string): CoinFlipInstance | null => coinFlipFamily.recognise(text);
const flips = (text: string): boolean[] | undefined => read(text)?.turns.map((t) => t.flips);
const answer = (text: string): string | undefined => {
  const instance = read(text);
  return instance ? coinFlipFamily.solve(instance) : undefined;
};

describe('coin-flip recognise', () => {
  it.each([
    ['A coin is heads up. Ka flips the coin. Sherrie flips the coin. Is the coin still heads up? Flip means reverse.', [true, true], 'yes'],
    ['A coin is tails up. Ann flips the coin. Is the coin still tails up?', [true], 'no'],
    ['A coin is tails up. Ann flips it. Is it heads up now?', [true], 'yes'],
    ['A coin starts heads up. Ann flipped the coin, then Bob did not flip it, and then Cy turns it over. Is it still heads up?', [true, false, true], 'yes'],
    ['A coin is heads up. Person 1 flips the coin. Person 2 does not flip the coin. Person 3 flips the coin. Is the coin still heads up?', [true, false, true], 'yes'],
    ['There is a coin showing heads. Ann chooses not to flip it. Bob decides to flip it. Is the coin still heads up?', [false, true], 'no'],
    ["A coin shows heads. Mary Jane doesn't flip the coin. Li turned the coin over. Is heads still up?", [false, true], 'no'],
    ['Tell me whether the coin is still heads up: a coin is heads up; Ann flips it; Bob flips it.', [true, true], 'yes'],
    ['A coin is heads up. Ann leaves it alone. Bob does nothing. Cy never flips it. Is it still heads up?', [false, false, false], 'yes'],
    ['A coin is heads up.\n\nAnn flips the coin. Bob flips the coin. Cy flips the coin.\n\nIs the coin still heads up?', [true, true, true], 'no'],
    // Two turns in one sentence, joined by "and"; an elliptical "does not" after a flip.
    ['A coin is heads up. Maria flips it and Chen flips it. Is it still heads up?', [true, true], 'yes'],
    ['A coin is heads up. Maria flips the coin, Chen does not, and Kofi flips it. Is it heads up?', [true, false, true], 'yes'],
    ["A coin is heads up. Maria flips it and Chen doesn't. Is it still heads up?", [true, false], 'no'],
  ])('%s', (text, expectedFlips, expectedAnswer) => {
    expect(flips(text)).toEqual(expectedFlips);
    expect(answer(text)).toBe(expectedAnswer);
  });

  it('reads many people', () => {
    const names = ['Ann', 'Bob', 'Cy', 'Dee', 'Ed', 'Flo', 'Gus', 'Hal'];
    const text = `A coin is heads up. ${names.map((n, i) => `${n} ${i % 3 === 0 ? 'flips' : 'does not flip'} the coin.`).join(' ')} Is the coin still heads up?`;
    expect(read(text)?.turns.map((t) => t.person)).toEqual(names);
    expect(answer(text)).toBe('no'); // flips at 0, 3, 6: odd
  });

  it('uses the first statement when the question is stated twice', () => {
    const twice =
      'A coin is heads up. Ann flips the coin. Bob does not flip the coin. Is the coin still heads up?\n\n' +
      'Here is a restated version: a coin begins heads up. Ann flips it. Bob flips it. Cy flips it. Is it heads up?';
    expect(flips(twice)).toEqual([true, false]);
    const onePara =
      'A coin is heads up. Ann flips the coin. Is it still heads up? In other words: a coin is heads up, Ann and Bob flip it.';
    expect(flips(onePara)).toEqual([true]);
  });

  it('returns null without a coin task', () => {
    expect(read('What is the capital of France?')).toBeNull();
    expect(read('A coin is heads up. Is it still heads up?')).toBeNull();
    expect(read('Ann flips a pancake. Is it golden?')).toBeNull();
  });
});

describe('coin-flip solve', () => {
  it('answers from parity, whatever the start and asked side', () => {
    const rng = createRng('parity');
    for (let i = 0; i < 500; i++) {
      const turns = Array.from({ length: 1 + rng.int(9) }, (_, j) => ({ person: `P${j}`, flips: rng.chance(0.5) }));
      const instance = { startsHeadsUp: rng.chance(0.5), turns, asksHeadsUp: rng.chance(0.5) };
      let heads = instance.startsHeadsUp;
      for (const t of turns) if (t.flips) heads = !heads;
      expect(coinFlipFamily.solve(instance)).toBe(heads === instance.asksHeadsUp ? 'yes' : 'no');
    }
  });
});

describe('coin-flip generate', () => {
  it('is deterministic and round-trips through recognise for k = 1..8', () => {
    expect(coinFlipFamily.generate(createRng(7))).toEqual(coinFlipFamily.generate(createRng(7)));
    const answers = { yes: 0, no: 0 };
    for (let i = 0; i < 600; i++) {
      const k = 1 + (i % 8);
      const g = coinFlipFamily.generate(createRng('rt', i), { k });
      expect(g.instance.turns).toHaveLength(k);
      expect(g.instance.startsHeadsUp).toBe(true);
      expect(read(g.prompt)).toEqual(g.instance);
      expect(g.answer).toBe(g.instance.turns.filter((t) => t.flips).length % 2 === 0 ? 'yes' : 'no');
      answers[g.answer as 'yes' | 'no']++;
    }
    // Both answers are common (a generator stuck on one label would make accuracy meaningless).
    expect(answers.yes).toBeGreaterThan(200);
    expect(answers.no).toBeGreaterThan(200);
  });
});
