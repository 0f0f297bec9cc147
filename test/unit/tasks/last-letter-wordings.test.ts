import { describe, expect, it } from 'vitest';
import { lastLetterFamily } from '../../../shared/tasks/last-letter.js';
import { recogniseTask } from '../../../shared/tasks/task-registry.js';

/**
 * Last-letter questions as people write them: words without quotes, in a sentence, after "of" with commas and
 * "and", one per line, as a bullet list. Each must be read as exactly its words, in order; and texts that talk about
 * letters or list words without asking for their last letters must not be read as the task.
 */
const read = (text: string): string[] | undefined => lastLetterFamily.recognise(text)?.words;
const NVA = ['north', 'violet', 'anchor'];

describe('last-letter recognition of unquoted word lists', () => {
  it.each<[string, string[]]>([
    ['Join the final letters of: north, violet, anchor.', NVA],
    ['What do you get if you concatenate the last letters of north violet anchor?', NVA],
    ['last letters of the words north, violet and anchor', NVA],
    ['Concatenate the last letters of north, violet, and anchor.', NVA],
    ['Take the last letter of north, violet and anchor, and put them together.', NVA],
    ['Please join the last letter of each of these words: north violet anchor', NVA],
    ['Write the last letters of the words north, violet, anchor as one string.', NVA],
    ['What string is formed by the last letters of north, violet and anchor?', NVA],
    ['Form a word from the last letters of north, violet and anchor.', NVA],
    ['Join the last letters of the following words:\n- north\n- violet\n- anchor', NVA],
    ['Join the last letters of the following words:\n\n* north\n* violet\n* anchor', NVA],
    ['Take the last letter of each word and concatenate them:\nnorth\nviolet\nanchor', NVA],
    ['Words:\nnorth\nviolet\nanchor\n\nConcatenate the last letter of each word above.', NVA],
    ['Take the last letter of each word below and join them.\n\n1. north\n2. violet\n3. anchor', NVA],
    ['Last letter concatenation: north violet anchor', NVA],
    ['Last-letter concatenation of "north violet anchor"?', NVA],
    ['Concatenate the ending letters of north; violet; anchor.', NVA],
    ['Given the words north, violet and anchor, concatenate their last letters.', NVA],
    ['For north, violet and anchor, what are the last letters joined together?', NVA],
    ['I have three words, north, violet and anchor. What do their last letters spell?', NVA],
    ['Combine the final characters of Elon and Musk.', ['Elon', 'Musk']],
    ['Take the last letters of Ada Lovelace and join them.', ['Ada', 'Lovelace']],
    ['Concatenate the last letters of the names Maria, Chen, Kofi and Ravi.', ['Maria', 'Chen', 'Kofi', 'Ravi']],
    ['What are the last letters of North, Violet, Anchor combined?', ['North', 'Violet', 'Anchor']],
  ])('%s', (text, words) => {
    expect(read(text)).toEqual(words);
    expect(recogniseTask(text)).toEqual({ family: 'last-letter', instance: { words } });
  });

  it.each([
    'What is the last letter of the alphabet?',
    'Write a poem whose lines end with the letter e.',
    'List the words north, violet and anchor in alphabetical order.',
    'Reply with the last letter you received from your bank.',
    'How many letters are in the word anchor?',
    'Sort these words: north, violet, anchor.',
    'The final letters will be sent on Monday.',
    'Take the first letter of each word: north, violet, anchor.',
    'Take the last letter of each word and join them.',
  ])('not a last-letter task: %s', (text) => {
    expect(read(text)).toBeUndefined();
  });
});
