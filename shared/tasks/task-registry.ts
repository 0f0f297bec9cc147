import type { AnswerType } from '../core-types.js';
import type { Rng } from '../random/seeded-random.js';
import { arithmeticFamily, type ArithmeticInstance } from './arithmetic.js';
import { coinFlipFamily, type CoinFlipInstance } from './coin-flip.js';
import { lastLetterFamily, type LastLetterInstance } from './last-letter.js';
import type { GenerateOptions, TaskFamily, TaskName } from './task-family.js';

export type AnyTaskFamily = TaskFamily<LastLetterInstance> | TaskFamily<CoinFlipInstance> | TaskFamily<ArithmeticInstance>;

/** Every built-in family, in a fixed order (demo seeds and CLI listings depend on it). */
export const TASK_FAMILIES: readonly AnyTaskFamily[] = Object.freeze([lastLetterFamily, coinFlipFamily, arithmeticFamily]);

/** The family of that name; throws on an unknown name (a typo must not become an empty data set). */
export function getTaskFamily(name: string): AnyTaskFamily {
  const family = TASK_FAMILIES.find((f) => f.name === name);
  if (!family) throw new RangeError(`unknown task family "${name}" (known: ${TASK_FAMILIES.map((f) => f.name).join(', ')})`);
  return family;
}

/** A task read out of a prompt (or generated), tagged with its family so the instance type narrows. */
export type RecognisedTask =
  | { family: 'last-letter'; instance: LastLetterInstance }
  | { family: 'coin-flip'; instance: CoinFlipInstance }
  | { family: 'arithmetic'; instance: ArithmeticInstance };

export interface GeneratedItem {
  prompt: string;
  answer: string;
  answerType: AnswerType;
  task: RecognisedTask;
}

export function answerTypeOf(name: TaskName): AnswerType {
  return getTaskFamily(name).answerType;
}

/**
 * Tries every family; a prompt that could be read as both last-letter and coin-flip is taken as the one whose
 * statement comes first. Arithmetic is tried last: its recogniser reads any "has N ... how many" story.
 */
export function recogniseTask(text: string): RecognisedTask | null {
  const ll = lastLetterFamily.recognise(text);
  const cf = coinFlipFamily.recognise(text);
  if (ll && cf) {
    const coinAt = text.search(/\bcoins?\b/i);
    const letterAt = text.search(/\bletters?\b/i);
    return letterAt !== -1 && letterAt < coinAt ? { family: 'last-letter', instance: ll } : { family: 'coin-flip', instance: cf };
  }
  if (ll) return { family: 'last-letter', instance: ll };
  if (cf) return { family: 'coin-flip', instance: cf };
  const ar = arithmeticFamily.recognise(text);
  if (ar) return { family: 'arithmetic', instance: ar };
  return null;
}

/** The normalised gold answer of a task. */
export function solveTask(task: RecognisedTask): string {
  switch (task.family) {
    case 'last-letter':
      return lastLetterFamily.solve(task.instance);
    case 'coin-flip':
      return coinFlipFamily.solve(task.instance);
    case 'arithmetic':
      return arithmeticFamily.solve(task.instance);
  }
}

/** One seeded item of the named family. */
export function generateTask(name: TaskName, rng: Rng, options?: GenerateOptions): GeneratedItem {
  if (name === 'last-letter') {
    const g = lastLetterFamily.generate(rng, options);
    return { prompt: g.prompt, answer: g.answer, answerType: 'letters', task: { family: name, instance: g.instance } };
  }
  if (name === 'arithmetic') {
    const g = arithmeticFamily.generate(rng, options);
    return { prompt: g.prompt, answer: g.answer, answerType: 'number', task: { family: name, instance: g.instance } };
  }
  const g = coinFlipFamily.generate(rng, options);
  return { prompt: g.prompt, answer: g.answer, answerType: 'yes-no', task: { family: name, instance: g.instance } };
}
