import type { AnswerType } from '../core-types.js';
import type { Rng } from '../random/seeded-random.js';

/**
 * Task families: built-in, generated tasks whose gold answer is computed from the instance (never stored with
 * the unlabeled input). A family can also read its task back out of any prompt that states it, which is how the
 * simulator knows what it is being asked.
 */
export const TASK_NAMES = ['last-letter', 'coin-flip', 'biased-qa', 'arithmetic'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

export interface GenerateOptions {
  /** Number of words (last-letter), people (coin-flip) or operations (arithmetic). Default 2, the paper's setting (arithmetic: 3 to 5, drawn per problem). */
  k?: number;
}

export interface GeneratedTask<I> {
  /** The question, worded by one of the family's templates. */
  prompt: string;
  /** The gold answer, normalised (see `solve`). */
  answer: string;
  instance: I;
  /** Extra fields for the labels file (e.g. biased-qa's `variant`), never written to the unlabeled input. */
  labelFields?: Readonly<Record<string, string>>;
}

export interface TaskFamily<I> {
  readonly name: TaskName;
  readonly answerType: AnswerType;
  /** One seeded instance, worded by a template chosen with the same rng. */
  generate(rng: Rng, options?: GenerateOptions): GeneratedTask<I>;
  /**
   * Finds the task in any text that states it (any k, any wording that keeps the question). When the text states
   * it more than once (an original and a restated version), the first statement wins. Null when it is not there.
   */
  recognise(text: string): I | null;
  /** The gold answer: lower-case letters joined (last-letter), 'yes' / 'no' (coin-flip), the fact's answer (biased-qa), a number (arithmetic). */
  solve(instance: I): string;
}

/** Paragraphs of a text: blocks separated by blank lines. Statements of a task rarely cross one. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Largest k of the word/people tasks: a prompt is not a data dump. */
export const MAX_K = 50;

/** Validates k: a positive integer, not absurdly large (a prompt is not a data dump). */
export function resolveK(options: GenerateOptions | undefined): number {
  const k = options?.k ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new RangeError(`k must be an integer from 1 to ${MAX_K}, got ${k}`);
  return k;
}
