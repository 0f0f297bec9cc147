import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random/seeded-random.js';
import { lastLetterFamily } from '../../../shared/tasks/last-letter.js';

const read = (text: string): string[] | undefined => lastLetterFamily.recognise(text)?.words;

describe('last-letter recognise', () => {
  it.each([
    ['Take the last letters of each words in "Elon Musk" and concatenate them.', ['Elon', 'Musk']],
    ['Take the last letter of each of the words "apple", "river" and "stone" and join them.', ['apple', 'river', 'stone']],
    ['Concatenate the final characters of: apple, river, stone, tiger', ['apple', 'river', 'stone', 'tiger']],
    ['What do you get if you join the last letters of Elon and Musk?', ['Elon', 'Musk']],
    ['Take the last letter of each word below and concatenate them.\n\napple river', ['apple', 'river']],
    ['Join the last letters of these words:\n- apple\n- river\n- stone', ['apple', 'river', 'stone']],
    ['Take the last letter of each word in \u201cAda Lovelace\u201d.', ['Ada', 'Lovelace']],
    ["Don't add spaces: take the last letters of 'apple' and 'lemon'.", ['apple', 'lemon']],
    ['Here are 5 words: Ann, Bob, Cy, Dee, Ed. Write the final letter of each, in order.', ['Ann', 'Bob', 'Cy', 'Dee', 'Ed']],
    ['Question: Take the last letter of each word in "Ravi". Reply in lower case.', ['Ravi']],
    ['For the words "maple" and "tiger", what is the string made of their last letters?', ['maple', 'tiger']],
    ['List the letter each word ends with, joined: "Omar Zoe Kai"', ['Omar', 'Zoe', 'Kai']],
  ])('%s', (text, words) => {
    expect(read(text)).toEqual(words);
  });

  it('uses the first statement when the question is stated twice', () => {
    const twice =
      'Take the last letter of each word in "Elon Musk" and join them.\n\n' +
      'Here is a restated version: write the last letter of "Musk" and then of "Elon".';
    expect(read(twice)).toEqual(['Elon', 'Musk']);
    const samePara =
      'Take the last letters of "Elon Musk". In other words, take the last letter of "Bill" and of "Gates".';
    expect(read(samePara)).toEqual(['Elon', 'Musk']);
  });

  it('returns null when there is no task or no words', () => {
    expect(read('What is the capital of France?')).toBeUndefined();
    expect(read('Take the last letter of each word and join them.')).toBeUndefined();
    expect(read('The last line should start with "Answer:".')).toBeUndefined();
  });

  it('solves to the lower-case last letters in order', () => {
    expect(lastLetterFamily.solve({ words: ['Elon', 'Musk'] })).toBe('nk');
    expect(lastLetterFamily.solve({ words: ['ZOE', 'apple', 'Ravi'] })).toBe('eei');
  });
});

describe('last-letter generate', () => {
  it('is deterministic per seed and varies across seeds', () => {
    const a = lastLetterFamily.generate(createRng('x', 1));
    const b = lastLetterFamily.generate(createRng('x', 1));
    expect(a).toEqual(b);
    const prompts = new Set(Array.from({ length: 50 }, (_, i) => lastLetterFamily.generate(createRng('x', i)).prompt));
    expect(prompts.size).toBeGreaterThan(45);
  });

  it('round-trips: every generated wording is recognised and k is honoured', () => {
    const wordings = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const k = 1 + (i % 7);
      const g = lastLetterFamily.generate(createRng('rt', i), { k });
      expect(g.instance.words).toHaveLength(k);
      expect(lastLetterFamily.recognise(g.prompt)).toEqual(g.instance);
      expect(g.answer).toBe(g.instance.words.map((w) => (w.at(-1) ?? '').toLowerCase()).join(''));
      wordings.add(g.prompt.replace(/"[^"]*"|[A-Z][a-z]+|\b[a-z]+(?=[,.])/g, 'W').slice(0, 12));
    }
    expect(wordings.size).toBeGreaterThanOrEqual(4);
  });

  it('rejects a bad k', () => {
    expect(() => lastLetterFamily.generate(createRng(1), { k: 0 })).toThrow(RangeError);
  });
});
