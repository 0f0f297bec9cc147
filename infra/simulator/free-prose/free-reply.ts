import type { Rng } from '../../../shared/random/seeded-random.js';
import type { RecognisedTask } from '../../../shared/tasks/task-registry.js';
import { restateArithmetic } from '../arithmetic-narration.js';
import { restateCoinFlip } from '../coin-flip-narration.js';
import { restateLastLetter } from '../last-letter-narration.js';
import { arithmeticDirect, arithmeticReasoned, arithmeticUnfinished } from './arithmetic-prose.js';
import { coinFlipDirect, coinFlipReasoned, coinFlipUnfinished } from './coin-flip-prose.js';
import { isDirectMode, type FreeContext } from './free-context.js';
import { lastLetterDirect, lastLetterReasoned, lastLetterUnfinished } from './last-letter-prose.js';

/**
 * The `free` reply style for the narrated families (last-letter, coin-flip, arithmetic): the family's prose, plus
 * what the reasoning mode adds around it (RaR 1-step restates the question first; a RaR 2-step answer sometimes says
 * it used the restated version). The outcome is decided before this is called; only the wording is chosen here.
 */
type NarratedTask = Exclude<RecognisedTask, { family: 'biased-qa' }>;

function restated(task: NarratedTask, rng: Rng): string {
  switch (task.family) {
    case 'last-letter':
      return restateLastLetter(task.instance, rng);
    case 'coin-flip':
      return restateCoinFlip(task.instance, rng);
    case 'arithmetic':
      return restateArithmetic(task.instance, rng);
  }
}

function direct(task: NarratedTask, ctx: FreeContext): string {
  switch (task.family) {
    case 'last-letter':
      return lastLetterDirect(task.instance, ctx);
    case 'coin-flip':
      return coinFlipDirect(task.instance, ctx);
    case 'arithmetic':
      return arithmeticDirect(task.instance, ctx);
  }
}

function reasoned(task: NarratedTask, ctx: FreeContext): string {
  const unfinished = ctx.outcome.kind === 'unextractable';
  switch (task.family) {
    case 'last-letter':
      return unfinished ? lastLetterUnfinished(task.instance, ctx) : lastLetterReasoned(task.instance, ctx);
    case 'coin-flip':
      return unfinished ? coinFlipUnfinished(task.instance, ctx) : coinFlipReasoned(task.instance, ctx);
    case 'arithmetic':
      return unfinished ? arithmeticUnfinished(task.instance, ctx) : arithmeticReasoned(task.instance, ctx);
  }
}

/** A reply to an answer-bearing call, in free prose. */
export function writeFreeTaskReply(task: NarratedTask, ctx: FreeContext): string {
  if (isDirectMode(ctx.mode)) return direct(task, ctx);
  const { rng } = ctx;
  if (ctx.mode === 'rar1') {
    const lead = rng.pick(['**Restated question:**', 'Let me first restate the question in my own words.', 'In other words, the question asks:', '']);
    return `${lead === '' ? '' : `${lead} `}${restated(task, rng)}\n\n${reasoned(task, ctx)}`;
  }
  if (ctx.mode === 'rar2-answer' && rng.chance(0.3)) {
    return `${rng.pick(['The restated version makes the task clearer.', 'Reading the original question together with the restated one:'])}\n\n${reasoned(task, ctx)}`;
  }
  return reasoned(task, ctx);
}

/** A RaR 2-step restatement with the chatty lead a chat model puts before it. */
export function freeRephraseLead(rng: Rng): string {
  return rng.pick(["Sure! Here's the question restated with every detail spelled out:\n\n", 'Restated question:\n\n', '**Restated question:** ', '']);
}
