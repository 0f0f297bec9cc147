import { createRng, type Rng } from '../../shared/random/seeded-random.js';
import { solveTask, type RecognisedTask } from '../../shared/tasks/task-registry.js';
import { decideOutcome, type Outcome } from './answer-outcome.js';
import { reasonArithmetic, restateArithmetic } from './arithmetic-narration.js';
import { reasonCoinFlip, restateCoinFlip } from './coin-flip-narration.js';
import { reasonLastLetter, restateLastLetter } from './last-letter-narration.js';
import { writeBiasedQaReply } from './biased-qa-narration.js';
import { accuracyModeOf, isReasoningMode, type ReasoningMode } from './reasoning-mode.js';
import { writeUscReply } from './usc-reply.js';
import type { ReplyStyle } from './reply-style.js';
import type { SimulatorOptions } from './simulator-options.js';
import { freeRephraseLead, writeFreeTaskReply } from './free-prose/free-reply.js';
import { guessForUnknown, writeUnrecognisedGuess } from './unrecognised-reply.js';

/** Everything that fixes one choice's text. */
export interface ReplyRequest {
  mode: ReasoningMode;
  task: RecognisedTask | null;
  /** The last user message (used to restate or guess when the task is not recognised). */
  prompt: string;
  sampleRng: Rng;
  /** The requested model is named as distilled (see `distilledModels`): direct replies use the distilled rate. */
  distilled?: boolean;
  /** How the reply is worded (see `behaviour.replyStyle`). Default `terse`. */
  style?: ReplyStyle;
}

export interface Reply {
  text: string;
  /** What the reply was meant to carry; null for a rephrase (no answer) and for unrecognised prompts. */
  outcome: Outcome | null;
}

type Tuning = Pick<SimulatorOptions, 'accuracy' | 'behaviour' | 'seed'>;

function finalLine(answer: string, rng: Rng): string {
  const a = answer === 'yes' || answer === 'no' ? (rng.chance(0.3) ? answer.charAt(0).toUpperCase() + answer.slice(1) : answer) : answer;
  const forms = [
    `Answer: ${a}`,
    `Answer: ${a}`,
    `Answer: ${a}`,
    `So the answer is "${a}".`,
    `**Answer:** ${a}`,
    `Final answer: ${a}`,
  ];
  return rng.pick(forms);
}

function directReply(answer: string, yesNo: boolean, rng: Rng): string {
  if (yesNo) {
    const cap = answer === 'yes' ? 'Yes' : 'No';
    return rng.pick([`${cap}.`, answer, `The answer is ${answer}.`, answer === 'yes' ? 'Yes, it is.' : 'No, it is not.']);
  }
  return rng.pick([answer, answer, `The answer is ${answer}.`, `"${answer}"`]);
}

/** A reasoning reply that trails off without committing to an answer. */
function unfinished(lines: readonly string[], rng: Rng): string {
  const kept = lines.slice(0, Math.max(1, Math.ceil(lines.length / 2)));
  const trail = rng.pick([
    'Hmm, wait. Let me re-read the question before I go further, because I may have misread one of the',
    'Actually, I am not sure this is the right reading of the question; there could be another interpretation, and',
    'Before I combine anything, let me double-check each step once more, starting again from the',
  ]);
  return [...kept, trail].join('\n');
}

/** The families whose replies this file writes; biased QA has its own writer. */
type NarratedTask = Exclude<RecognisedTask, { family: 'biased-qa' }>;

function taskText(task: NarratedTask, claimed: string, rng: Rng, tuning: Tuning): { restated: string; reasoning: string[] } {
  switch (task.family) {
    case 'last-letter':
      return { restated: restateLastLetter(task.instance, rng), reasoning: reasonLastLetter(task.instance, claimed, rng) };
    case 'coin-flip':
      return { restated: restateCoinFlip(task.instance, rng), reasoning: reasonCoinFlip(task.instance, claimed, rng) };
    case 'arithmetic':
      return {
        restated: restateArithmetic(task.instance, rng),
        reasoning: reasonArithmetic(task.instance, claimed, rng, tuning.behaviour.arithmeticVerbosity),
      };
  }
}

function writeRecognised(req: ReplyRequest, task: NarratedTask, tuning: Tuning): Reply {
  const rng = req.sampleRng;
  const accuracyMode = accuracyModeOf(req.mode);
  if (accuracyMode === null) {
    // RaR 2-step, call 1: the restated question only — every word / person kept, no answer.
    if (req.style === 'free' && req.mode === 'rar2-rephrase') {
      return { text: freeRephraseLead(rng) + taskText(task, solveTask(task), rng, tuning).restated, outcome: null };
    }
    const lead =
      req.mode === 's2a-rewrite' ? 'Context: none\nQuestion: ' : rng.pick(['', '', 'Here is the question, restated:\n', 'Restated question:\n']);
    return { text: lead + taskText(task, solveTask(task), rng, tuning).restated, outcome: null };
  }
  const correct = solveTask(task);
  const outcome = decideOutcome({
    task,
    correct,
    accuracy: tuning.accuracy[task.family][accuracyMode === 'direct' && req.distilled === true ? 'distilled' : accuracyMode],
    unextractableShare: isReasoningMode(req.mode) ? tuning.behaviour.unextractableShare : 0,
    favouriteWrongShare: tuning.behaviour.favouriteWrongShare,
    itemDifficultySpread: tuning.behaviour.itemDifficultySpread,
    itemRng: createRng(tuning.seed, 'item', task.family, JSON.stringify(task.instance)),
    sampleRng: rng,
  });
  const yesNo = task.family === 'coin-flip';
  // Upper case normalises to the same letters: a style variant, not a mistake.
  const shown =
    !yesNo && outcome.kind === 'correct' && rng.chance(tuning.behaviour.caseVariantShare)
      ? outcome.answer.toUpperCase()
      : outcome.answer;
  if (req.style === 'free') {
    return { text: writeFreeTaskReply(task, { mode: req.mode, outcome, shown, correct, prompt: req.prompt, rng }), outcome };
  }
  if (req.mode === 'direct') return { text: directReply(shown, yesNo, rng), outcome };

  const { restated, reasoning } = taskText(task, shown, rng, tuning);
  const body: string[] = [];
  if (req.mode === 'rar1') body.push(`${rng.pick(['Restated question:', 'Let me first restate the question.', 'In other words:'])} ${restated}`, '');
  if (req.mode === 'rar2-answer') body.push(rng.pick(['Using both versions of the question:', 'The restated version makes the task clear.', 'Reading the original and the restated question together:']));
  if (outcome.kind === 'unextractable') return { text: [...body, unfinished(reasoning, rng)].join('\n'), outcome };
  return { text: [...body, ...reasoning, finalLine(shown, rng)].join('\n'), outcome };
}

function writeUnrecognised(req: ReplyRequest): Reply {
  const rng = req.sampleRng;
  if (req.mode === 'rar2-rephrase' || req.mode === 's2a-rewrite') {
    const question = /question\s*:\s*([\s\S]+)$/i.exec(req.prompt)?.[1]?.trim() ?? req.prompt.trim();
    if (req.mode === 's2a-rewrite') return { text: `Context: none\nQuestion: ${question}`, outcome: null };
    return { text: `Restated question: ${question}\nIn other words, what exactly is being asked here, stated in full?`, outcome: null };
  }
  const guess = guessForUnknown(req.prompt, rng);
  return { text: writeUnrecognisedGuess(guess, req.mode, req.style ?? 'terse', rng), outcome: null };
}

/** The text of one choice. Pure: the same request and rng seed give the same text. */
export function writeReply(req: ReplyRequest, tuning: Tuning): Reply {
  if (req.mode === 'usc-select') return writeUscReply(req.prompt, tuning.behaviour.uscPicksMajority, req.sampleRng, req.style);
  if (req.task === null) return writeUnrecognised(req);
  if (req.task.family === 'biased-qa') return writeBiasedQaReply(req.mode, req.task.instance, tuning, req.sampleRng, req.distilled === true, req.style);
  return writeRecognised(req, req.task, tuning);
}
