import type { Rng } from '../../../shared/random/seeded-random.js';
import type { LastLetterInstance } from '../../../shared/tasks/last-letter.js';
import type { FreeContext } from './free-context.js';
import { chatFrame, emphasise, heading, hedgeReply, listLines, thinkBlock, truncatedReply } from './prose-kit.js';

/**
 * Last-letter replies in free prose. Each word is paired with the letters the reply takes from it, chosen so the
 * letters join into exactly the claimed answer: a wrong answer shows the misreading that leads to it (a letter
 * misread, a word skipped, two letters taken, the words read backwards).
 */
interface Piece {
  word: string;
  letters: string;
}

const ending = (word: string, n: number): string => word.slice(-n).toLowerCase();

/** Word / letters pairs that join into `claimed`, or null when no simple misreading explains it. */
export function piecesFor(words: readonly string[], claimed: string): Piece[] | null {
  const want = claimed.toLowerCase();
  const upper = claimed !== want;
  const show = (letters: string): string => (upper ? letters.toUpperCase() : letters);
  if (want.length === words.length) return words.map((word, i) => ({ word, letters: show(want.charAt(i)) }));
  if (words.map((w) => ending(w, 2)).join('') === want) return words.map((word) => ({ word, letters: show(ending(word, 2)) }));
  const last = words.map((w) => ending(w, 1));
  for (let i = 0; i < words.length; i++) {
    // One word overlooked: the reply lists the others only.
    if ([...last.slice(0, i), ...last.slice(i + 1)].join('') === want) {
      return words.flatMap((word, j) => (j === i ? [] : [{ word, letters: show(last[j] ?? '') }]));
    }
    // One word's last two letters taken.
    const two = [...last.slice(0, i), ending(words[i] ?? '', 2), ...last.slice(i + 1)];
    if (two.join('') === want) return words.map((word, j) => ({ word, letters: show(two[j] ?? '') }));
  }
  // Right letters joined in the wrong order: the words were read from the end.
  if ([...last].reverse().join('') === want) return [...words].reverse().map((word) => ({ word, letters: show(ending(word, 1)) }));
  return null;
}

function quoteAll(pieces: readonly Piece[]): string {
  const parts = pieces.map((p) => `"${p.letters}" (${p.word})`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}

type Style = (pieces: readonly Piece[], answer: string, rng: Rng) => string;

const STYLES: readonly Style[] = [
  // Numbered list with arrows, then the join.
  (pieces, answer, rng) =>
    `${listLines(pieces.map((p) => `**${p.word}** → ${p.letters}`), rng)}\n\n` +
    rng.pick([`Putting them together, we get ${emphasise(answer, rng)}.`, `Combining these letters gives ${emphasise(answer, rng)}.`]),
  // One sentence with every letter quoted, and the answer with its period inside the quotes.
  (pieces, answer, rng) =>
    `The last letters are ${quoteAll(pieces)}. ` +
    rng.pick([`Joined together, that gives "${answer}."`, `Written together, they spell "${answer}."`, `So the string is "${answer}".`]),
  // Answer first, explanation, answer restated.
  (pieces, answer, rng) =>
    `The answer is ${emphasise(answer, rng)}.\n\nHere's how I got there:\n` +
    `${pieces.map((p) => `- "${p.word}" ends in "${p.letters}"`).join('\n')}\n\n` +
    rng.pick([`So the final answer is ${answer}.`, `That gives us ${answer}.`, `Therefore: ${answer}`]),
  // Letters one per line, then joined.
  (pieces, answer, rng) =>
    `${pieces.map((p) => `${p.word} → ${p.letters}`).join('\n')}\n\n` +
    rng.pick([`So we get ${answer}.`, `They form ${emphasise(answer, rng)}.`, `The result is ${answer}.`, `Together: ${answer}`]),
  // Markdown headings.
  (pieces, answer, rng) =>
    `${heading('Step 1: Find the last letter of each word', rng)}\n\n` +
    `${pieces.map((p) => `- ${p.word}: **${p.letters}**`).join('\n')}\n\n` +
    `${heading('Step 2: Concatenate the letters', rng)}\n\n${pieces.map((p) => p.letters).join(' + ')} = ${answer}\n\n` +
    rng.pick([`**Answer:** ${answer}`, `The final answer is **${answer}**.`, `So the answer is ${answer}.`]),
  // A table.
  (pieces, answer, rng) =>
    `| Word | Last letter |\n|---|---|\n${pieces.map((p) => `| ${p.word} | ${p.letters} |`).join('\n')}\n\n` +
    rng.pick([`Reading the last column from top to bottom gives **${answer}**.`, `Concatenating the letters in order: ${answer}.`]),
  // Follows the requested format: a labelled final line.
  (pieces, answer, rng) =>
    `${pieces.map((p) => `The last letter of "${p.word}" is "${p.letters}".`).join(' ')} ` +
    `Concatenating them in order gives ${answer}.\n\n${rng.pick(['Final answer:', 'Answer:'])} ${answer}`,
];

function withoutPieces(answer: string, rng: Rng): string {
  return rng.pick([
    `Taking the last letter of each word and joining them, I get ${emphasise(answer, rng)}.`,
    `Reading off the final letters in order, the result is ${answer}.`,
  ]);
}

/** A <think> block that first tries the first letters (a classic slip), then corrects itself. */
function thinking(words: readonly string[], pieces: readonly Piece[] | null, answer: string): string {
  const firsts = words.map((w) => w.charAt(0).toLowerCase()).join('');
  const lines = [
    `The user wants the last letters of: ${words.join(', ')}.`,
    `Quick pass: ${Array.from(firsts).join(', ')} -> "${firsts}"? Wait, those are the first letters, not the last ones.`,
    pieces === null ? 'Let me redo it with the final letters.' : `Redo: ${pieces.map((p) => `${p.word} ends with ${p.letters}`).join(', ')}.`,
    `So it's ${answer}.`,
  ];
  return thinkBlock(lines);
}

export function lastLetterDirect(instance: LastLetterInstance, ctx: FreeContext): string {
  const a = ctx.shown;
  return ctx.rng.pick([
    a,
    `**${a}**`,
    `The answer is ${a}.`,
    `"${a}"`,
    `The last letters spell "${a}."`,
    `Sure! Joining the last letters gives: ${a}`,
    `That would be ${a}.`,
    `${a} (the last letters of the ${instance.words.length} words, in order)`,
  ]);
}

export function lastLetterReasoned(instance: LastLetterInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const pieces = piecesFor(instance.words, ctx.shown);
  const body = pieces === null ? withoutPieces(ctx.shown, rng) : rng.pick(STYLES)(pieces, ctx.shown, rng);
  // The rejected guess in the scratchpad is the first letters; a reply that settles on them has no such scratchpad.
  const firsts = instance.words.map((w) => w.charAt(0)).join('').toLowerCase();
  const think = rng.chance(0.12) && firsts !== ctx.shown.toLowerCase() ? thinking(instance.words, pieces, ctx.shown) : '';
  return think + chatFrame(body, rng);
}

export function lastLetterUnfinished(instance: LastLetterInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const pieces = piecesFor(instance.words, ctx.outcome.answer) ?? instance.words.map((word) => ({ word, letters: ending(word, 1) }));
  const lines = pieces.map((p) => `- The word "${p.word}" ends with "${p.letters}".`);
  if (rng.chance(0.5)) return truncatedReply(["Let's look at each word's final letter.", ...lines], rng);
  const other = ctx.correct === ctx.outcome.answer ? Array.from(ctx.correct).reverse().join('') : ctx.correct;
  return hedgeReply(lines.join('\n'), `"${ctx.outcome.answer}"`, `"${other}"`, rng);
}
