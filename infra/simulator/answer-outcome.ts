import type { Rng } from '../../shared/random/seeded-random.js';
import type { RecognisedTask } from '../../shared/tasks/task-registry.js';
import { arithmeticMistakes } from './arithmetic-narration.js';

/**
 * Which final answer one simulated reply carries. Correct with the item's accuracy; otherwise wrong (one
 * favourite wrong answer per item takes a configurable share, the rest spread over plausible mistakes) or, for
 * reasoning replies, no extractable answer at all. The unextractable share is taken from the wrong mass so the
 * configured accuracy is exactly the share of replies with a right, extractable answer.
 */
export type Outcome =
  | { kind: 'correct'; answer: string }
  | { kind: 'wrong'; answer: string }
  /** `answer` is where the unfinished reasoning was heading (a wrong answer), never stated in the reply. */
  | { kind: 'unextractable'; answer: string };

export interface OutcomeParams {
  task: Exclude<RecognisedTask, { family: 'biased-qa' }>;
  correct: string;
  /** The mode's configured accuracy. */
  accuracy: number;
  /** 0 for direct replies. */
  unextractableShare: number;
  favouriteWrongShare: number;
  itemDifficultySpread: number;
  /** Seeded by the item alone: difficulty and favourite mistake are properties of the item, not of a sample. */
  itemRng: Rng;
  /** Seeded by the sample (request, seed, choice). */
  sampleRng: Rng;
}

/** The item's own accuracy: the mode's rate shifted by the item's difficulty; its mean over items is the rate. */
export function itemAccuracy(rate: number, spread: number, itemDraw: number): number {
  const room = Math.min(rate, 1 - rate);
  return rate + spread * (2 * itemDraw - 1) * room;
}

function lastLetterMistakes(words: readonly string[], correct: string, rng: Rng): string[] {
  const lower = words.map((w) => w.toLowerCase());
  const candidates: string[] = [
    lower.map((w) => w.charAt(0)).join(''), // first letters instead of last
    lower.map((w) => w.charAt(w.length - 2) || w.charAt(0)).join(''), // second-to-last letters
    Array.from(correct).reverse().join(''), // right letters, wrong order
    lower.map((w) => w.slice(-2)).join(''), // last two letters of every word
  ];
  for (let i = 0; i < correct.length; i++) {
    candidates.push(correct.slice(0, i) + correct.slice(i + 1)); // one letter missing
    const word = lower[i] ?? '';
    const neighbour = String.fromCharCode(((correct.charCodeAt(i) - 97 + (rng.chance(0.5) ? 1 : 25)) % 26) + 97);
    candidates.push(correct.slice(0, i) + neighbour + correct.slice(i + 1)); // one letter misread
    candidates.push(correct.slice(0, i) + word.slice(-2) + correct.slice(i + 1)); // one word's last two letters
  }
  const seen = new Set<string>([correct]);
  const out: string[] = [];
  for (const c of candidates) {
    if (/^[a-z]+$/.test(c) && !seen.has(c)) {
      seen.add(c);
      out.push(c);
    }
  }
  return out;
}

/** Plausible wrong answers of an item, favourite first (order fixed by the item rng). */
export function wrongAnswers(task: OutcomeParams['task'], correct: string, itemRng: Rng): string[] {
  if (task.family === 'coin-flip') return [correct === 'yes' ? 'no' : 'yes'];
  if (task.family === 'arithmetic') {
    const mistakes = arithmeticMistakes(task.instance, correct, itemRng);
    return mistakes.length > 0 ? itemRng.shuffle(mistakes) : [String(Number(correct) + 1)];
  }
  const mistakes = lastLetterMistakes(task.instance.words, correct, itemRng);
  return mistakes.length > 0 ? itemRng.shuffle(mistakes) : ['x'];
}

export function decideOutcome(p: OutcomeParams): Outcome {
  const accuracy = itemAccuracy(p.accuracy, p.itemDifficultySpread, p.itemRng.next());
  const wrong = wrongAnswers(p.task, p.correct, p.itemRng);
  const favourite = wrong[0] ?? 'x';
  const pickWrong = (): string =>
    wrong.length === 1 || p.sampleRng.chance(p.favouriteWrongShare) ? favourite : p.sampleRng.pick(wrong.slice(1));
  const draw = p.sampleRng.next();
  if (draw < accuracy) return { kind: 'correct', answer: p.correct };
  if (draw < accuracy + Math.min(p.unextractableShare, 1 - accuracy)) return { kind: 'unextractable', answer: pickWrong() };
  return { kind: 'wrong', answer: pickWrong() };
}
