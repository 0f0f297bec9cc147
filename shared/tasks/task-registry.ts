import type { AnswerType } from '../core-types.js';
import type { Rng } from '../random/seeded-random.js';
import { biasedQaFamily, type BiasedQaInstance } from './biased-qa.js';
import { arithmeticFamily, type ArithmeticInstance } from './arithmetic.js';
import { coinFlipFamily, type CoinFlipInstance } from './coin-flip.js';
import { lastLetterFamily, type LastLetterInstance } from './last-letter.js';
import type { GenerateOptions, TaskFamily, TaskName } from './task-family.js';

export type AnyTaskFamily = TaskFamily<LastLetterInstance> | TaskFamily<CoinFlipInstance> | TaskFamily<BiasedQaInstance> | TaskFamily<ArithmeticInstance>;

/** Every built-in family, in a fixed order (demo seeds and CLI listings depend on it). */
export const TASK_FAMILIES: readonly AnyTaskFamily[] = Object.freeze([lastLetterFamily, coinFlipFamily, biasedQaFamily, arithmeticFamily]);

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
  | { family: 'biased-qa'; instance: BiasedQaInstance }
  | { family: 'arithmetic'; instance: ArithmeticInstance };

export interface GeneratedItem {
  prompt: string;
  answer: string;
  answerType: AnswerType;
  task: RecognisedTask;
  /** Extra fields for the labels file (see GeneratedTask.labelFields). */
  labelFields?: Readonly<Record<string, string>>;
}

export function answerTypeOf(name: TaskName): AnswerType {
  return getTaskFamily(name).answerType;
}

/**
 * Tries every family; a prompt that could be read as both last-letter and coin-flip is taken as the one whose
 * statement comes first. Biased QA next: its recogniser needs a known subject and its relation word. Arithmetic is
 * tried last: its recogniser reads any "has N ... how many" story.
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
  const qa = biasedQaFamily.recognise(text);
  if (qa) return { family: 'biased-qa', instance: qa };
  const ar = arithmeticFamily.recognise(text);
  if (ar) return { family: 'arithmetic', instance: ar };
  return null;
}

/** The gold answer of a task (normalised for letters and yes-no; the fact's answer as written for biased-qa). */
export function solveTask(task: RecognisedTask): string {
  switch (task.family) {
    case 'last-letter':
      return lastLetterFamily.solve(task.instance);
    case 'coin-flip':
      return coinFlipFamily.solve(task.instance);
    case 'biased-qa':
      return biasedQaFamily.solve(task.instance);
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
  if (name === 'biased-qa') {
    const g = biasedQaFamily.generate(rng, options);
    const item: GeneratedItem = { prompt: g.prompt, answer: g.answer, answerType: 'text', task: { family: name, instance: g.instance } };
    return g.labelFields === undefined ? item : { ...item, labelFields: g.labelFields };
  }
  if (name === 'arithmetic') {
    const g = arithmeticFamily.generate(rng, options);
    return { prompt: g.prompt, answer: g.answer, answerType: 'number', task: { family: name, instance: g.instance } };
  }
  const g = coinFlipFamily.generate(rng, options);
  return { prompt: g.prompt, answer: g.answer, answerType: 'yes-no', task: { family: name, instance: g.instance } };
}
