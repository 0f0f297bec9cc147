import type { Rng } from '../random/seeded-random.js';
import { renderStructuredPrompt } from '../perturbation/structured-input.js';
import { DEFAULT_JUDGE_TEMPLATES } from '../strategies/judge-templates.js';
import { findJudgeParts } from './judge-parts.js';
import { betterResponse } from './judge-quality.js';
import { CAPITALS, EXPLANATIONS, LIST_CATEGORIES, NUMBER_WORDS } from './pairwise-judge-data.js';
import type { GenerateOptions, GeneratedTask, TaskFamily } from './task-family.js';

/**
 * Pairwise judge: a user question and two candidate responses, one clearly better — correct vs subtly wrong
 * (arithmetic, capitals), on-instruction vs off-instruction (a list of the wrong length), complete vs truncated (a
 * two-sentence explanation cut off). The better one sits at A or B at random; the label is computed from the
 * content (judge-quality.ts), never stored with the input.
 */
export interface PairwiseJudgeInstance {
  question: string;
  responseA: string;
  responseB: string;
}

interface Drafted {
  question: string;
  better: string;
  worse: string;
}

const SYMBOLS = { plus: '+', minus: '-', times: '×' } as const;

function arithmetic(rng: Rng): Drafted {
  const op = rng.pick(['plus', 'minus', 'times'] as const);
  const a = 12 + rng.int(88);
  const b = 12 + rng.int(op === 'times' ? 38 : 88);
  const result = op === 'plus' ? a + b : op === 'minus' ? a - b : a * b;
  const off = rng.pick([1, -1, 2, 10, -10, op === 'times' ? a : 1]);
  const question = rng.pick([`What is ${a} ${op} ${b}?`, `Compute ${a} ${SYMBOLS[op]} ${b}.`, `How much is ${a} ${op} ${b}? Give the result.`]);
  const answer = (value: number): string =>
    rng.pick([`${a} ${SYMBOLS[op]} ${b} = ${value}.`, `The result is ${value}.`, `Working it out, ${a} ${op} ${b} comes to ${value}.`]);
  const style = rng.int(3);
  const shaped = (value: number): string => {
    const text = answer(value);
    return style === 0 ? text : style === 1 ? `Sure! ${text}` : `Let me calculate. ${text}`;
  };
  return { question, better: shaped(result), worse: shaped(result + off) };
}

function capital(rng: Rng): Drafted {
  const [country, city, wrong] = rng.pick(CAPITALS);
  const question = rng.pick([`What is the capital of ${country}?`, `Which city is the capital of ${country}?`, `Tell me the capital city of ${country}.`]);
  const sentence = rng.pick([(c: string) => `The capital of ${country} is ${c}.`, (c: string) => `${c} is the capital of ${country}.`, (c: string) => `It is ${c}.`]);
  return { question, better: sentence(city), worse: sentence(wrong) };
}

function list(rng: Rng): Drafted {
  const [category, members] = rng.pick(LIST_CATEGORIES);
  const k = 3 + rng.int(3);
  const count = rng.chance(0.5) ? String(k) : (NUMBER_WORDS[k] ?? String(k));
  const question = rng.pick([`List ${count} ${category}.`, `Name exactly ${count} ${category}, one per line.`, `Give ${count} ${category}, please.`]);
  const shuffled = rng.shuffle(members);
  const bullet = rng.pick([(i: number) => `${i + 1}.`, () => '-', (i: number) => `${i + 1})`]);
  const render = (n: number): string => shuffled.slice(0, n).map((m, i) => `${bullet(i)} ${m}`).join('\n');
  const worseCount = rng.chance(0.5) ? k - 1 : k + 1;
  const lead = rng.pick(['', 'Here you go:\n', `Here are some ${category}:\n`]);
  return { question, better: lead + render(k), worse: lead + render(worseCount) };
}

function explain(rng: Rng): Drafted {
  const [topic, first, second] = rng.pick(EXPLANATIONS);
  const question = rng.pick([`Explain ${topic} in two sentences.`, `In two sentences, explain ${topic}.`, `Describe ${topic}, in two complete sentences.`]);
  const words = second.split(' ');
  const cut = words.slice(0, Math.max(2, Math.floor(words.length * (0.4 + rng.next() * 0.3)))).join(' ').replace(/[.,;]$/u, '');
  return { question, better: `${first} ${second}`, worse: `${first} ${cut}` };
}

const KINDS = [arithmetic, arithmetic, capital, list, explain] as const;

function generate(rng: Rng, _options?: GenerateOptions): GeneratedTask<PairwiseJudgeInstance> {
  const drafted = rng.pick(KINDS)(rng);
  const betterAtA = rng.chance(0.5);
  const instance: PairwiseJudgeInstance = {
    question: drafted.question,
    responseA: betterAtA ? drafted.better : drafted.worse,
    responseB: betterAtA ? drafted.worse : drafted.better,
  };
  const prompt = renderStructuredPrompt({ kind: 'pair', ...instance }, DEFAULT_JUDGE_TEMPLATES);
  return { prompt, answer: solve(instance), instance };
}

/** 'A' or 'B': the response the content check says is better ('tie' if it cannot tell, which generated items never are). */
function solve(instance: PairwiseJudgeInstance): string {
  return betterResponse(instance.question, instance.responseA, instance.responseB) ?? 'tie';
}

function recognise(text: string): PairwiseJudgeInstance | null {
  const parts = findJudgeParts(text);
  if (parts.question === null || parts.responseA === null || parts.responseB === null) return null;
  return { question: parts.question, responseA: parts.responseA, responseB: parts.responseB };
}

export const PAIRWISE_JUDGE = 'pairwise-judge';

/**
 * The family, shaped like the reasoning task families but kept out of TASK_FAMILIES: its input lines are
 * structured (`pair`) and the simulator reads it as a judging prompt, not as a question to answer.
 */
export const pairwiseJudgeFamily: Omit<TaskFamily<PairwiseJudgeInstance>, 'name'> & { readonly name: typeof PAIRWISE_JUDGE } = Object.freeze({
  name: PAIRWISE_JUDGE,
  answerType: 'verdict',
  generate,
  recognise,
  solve,
});
