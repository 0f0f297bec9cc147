import type { Rng } from '../../shared/random/seeded-random.js';
import type { LastLetterInstance } from '../../shared/tasks/last-letter.js';

/**
 * Text for last-letter replies. The restatement keeps every word (quoted, in order) so the answer call can still
 * read the task from it; the reasoning walks through each word and, when the claimed answer is wrong, slips in a
 * way that leads to exactly that answer.
 */

function quoted(words: readonly string[]): string {
  const q = words.map((w) => `"${w}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1] ?? ''}`;
}

export function restateLastLetter(instance: LastLetterInstance, rng: Rng): string {
  const { words } = instance;
  const k = words.length;
  const noun = k === 1 ? 'word' : 'words';
  return rng.pick([
    `We are given ${k} ${noun}, in this order: ${quoted(words)}. For each of them, find its final letter. Then ` +
      'write those letters one after another, keeping the order of the words, with no spaces or other characters ' +
      'between them, all in lower case. What is the resulting string?',
    `Consider the ${noun} ${quoted(words)} (${k} in total, taken in the order given). Look at the very last letter ` +
      `of each ${noun === 'word' ? 'word' : 'one'} and join these letters into a single lower-case string with ` +
      'nothing in between. Which string comes out?',
    `The task involves ${k} ${noun}: ${quoted(words)}. Take the last letter of every one of them, in the same ` +
      'order as the words appear, and concatenate those letters into one lower-case string. What string is that?',
  ]);
}

/** Reasoning lines that arrive at `claimed` (the correct answer or a mistake). */
export function reasonLastLetter(instance: LastLetterInstance, claimed: string, rng: Rng): string[] {
  const { words } = instance;
  const correctLetters = words.map((w) => w.slice(-1).toLowerCase());
  // Per-word claims follow the claimed answer when it has one letter per word: the slip is then a misread word.
  const letters = claimed.length === words.length ? Array.from(claimed.toLowerCase()) : correctLetters;
  const lines: string[] = [
    rng.pick([
      "Let's go through the words one at a time.",
      'I will take each word in turn and look at its last letter.',
      'To solve this, I need the final letter of every word, in order.',
      "Let's work through it carefully, word by word.",
    ]),
  ];
  const style = rng.int(3);
  words.forEach((w, i) => {
    const l = letters[i] ?? '';
    if (style === 0) lines.push(`${i + 1}. The word "${w}" ends with the letter "${l}".`);
    else if (style === 1) lines.push(`- The last letter of "${w}" is "${l}".`);
    else lines.push(`- "${w}": its final letter is ${l}.`);
  });
  if (letters.join('') === claimed.toLowerCase() && words.length > 1) {
    lines.push(
      rng.pick([
        `Putting these letters together in order gives "${claimed}".`,
        `Joining ${letters.map((l) => `"${l}"`).join(' + ')} gives ${claimed}.`,
        `Now I concatenate them: ${letters.join(' then ')}, which makes ${claimed}.`,
      ]),
    );
    if (rng.chance(0.4)) lines.push(`That is ${words.length} letters for ${words.length} words, as expected.`);
  } else {
    lines.push(rng.pick([`Putting the letters together gives "${claimed}".`, `Combining them, I get ${claimed}.`]));
  }
  return lines;
}
