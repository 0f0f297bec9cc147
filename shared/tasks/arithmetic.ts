import type { Rng } from '../random/seeded-random.js';
import { splitParagraphs, type GenerateOptions, type GeneratedTask, type TaskFamily } from './task-family.js';
import { FIRST_NAMES } from './word-lists.js';

/**
 * Multi-step arithmetic word problems (GSM8K-like): a person starts with some quantity, then k operations change it
 * (add, subtract, multiply, divide — every intermediate value a positive integer); the answer is the final quantity.
 */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';

export interface ArithmeticInstance {
  start: number;
  steps: { op: ArithmeticOp; value: number }[];
}

/** Applies one step. Pure; division is exact in generated problems (recognised ones may not be). */
export function applyStep(value: number, step: { op: ArithmeticOp; value: number }): number {
  switch (step.op) {
    case 'add':
      return value + step.value;
    case 'sub':
      return value - step.value;
    case 'mul':
      return value * step.value;
    case 'div':
      return value / step.value;
  }
}

/** Every intermediate value, start first. */
export function runningValues(instance: ArithmeticInstance): number[] {
  const values = [instance.start];
  for (const step of instance.steps) values.push(applyStep(values[values.length - 1] ?? 0, step));
  return values;
}

function solve(instance: ArithmeticInstance): string {
  const values = runningValues(instance);
  const last = values[values.length - 1] ?? 0;
  // Canonical number text, as the 'number' normaliser writes it (integers in generated problems).
  return String(Number(last.toPrecision(12)));
}

// ---------------------------------------------------------------------------------------------------------------
// Generation

const OBJECTS = ['apples', 'marbles', 'stickers', 'books', 'pencils', 'cookies', 'stamps', 'seashells', 'cards', 'beads'] as const;
const CONTAINERS = ['bags', 'boxes', 'jars', 'piles', 'baskets'] as const;

interface Theme {
  start: (p: string, n: number, o: string) => string;
  question: (p: string, o: string) => string;
}

const THEMES: readonly Theme[] = [
  { start: (p, n, o) => `${p} has ${n} ${o}.`, question: (p, o) => `How many ${o} does ${p} have now?` },
  { start: (p, n, o) => `${p} starts the week with ${n} ${o}.`, question: (p, o) => `How many ${o} does ${p} end up with?` },
  { start: (p, n, o) => `At the beginning of the day, ${p} had ${n} ${o}.`, question: (p, o) => `How many ${o} does ${p} have at the end?` },
  { start: (p, n, o) => `${p} owns a collection of ${n} ${o}.`, question: (p, o) => `How many ${o} are in ${p}'s collection now?` },
];

const ADD: readonly ((p: string, n: number, o: string) => string)[] = [
  (p, n, o) => `${p} buys ${n} more ${o}.`,
  (p, n, o) => `Then ${p} receives ${n} more ${o} as a gift.`,
  (p, n) => `After that, ${p} finds ${n} more.`,
  (p, n, o) => `A friend gives ${p} another ${n} ${o}, so ${p} gets ${n} more.`,
];
const SUB: readonly ((p: string, n: number, o: string) => string)[] = [
  (p, n, o) => `${p} gives ${n} ${o} to a neighbour.`,
  (p, n) => `Then ${p} loses ${n} of them.`,
  (p, n, o) => `${p} sells ${n} ${o} at the market.`,
  (p, n, o) => `Later, ${p} uses ${n} ${o} for a school project.`,
];
const MUL: readonly ((p: string, n: number, o: string) => string)[] = [
  (p, n, o) => (n === 2 ? `${p} doubles the number of ${o}.` : `${p} ends up with ${n} times as many ${o} as before.`),
  (p, n, o) => (n === 3 ? `Over the weekend, the number of ${o} triples.` : `The pile of ${o} grows to ${n} times its size.`),
];
const DIV: readonly ((p: string, n: number, o: string, c: string) => string)[] = [
  (p, n, o, c) => `${p} splits the ${o} equally into ${n} ${c} and keeps just one of the ${c}.`,
  (p, n) => `${p} shares them equally among ${n} friends, including ${p}, and keeps only ${p}'s own share.`,
];

function pickOp(rng: Rng, value: number): { op: ArithmeticOp; value: number } {
  const divisors = [2, 3, 4, 5].filter((d) => value % d === 0 && value / d >= 2);
  for (;;) {
    const op = rng.pick<ArithmeticOp>(['add', 'sub', 'mul', 'div']);
    if (op === 'add') return { op, value: 2 + rng.int(29) };
    if (op === 'sub' && value > 3) return { op, value: 1 + rng.int(Math.min(30, value - 2)) };
    if (op === 'mul' && value <= 200) return { op, value: 2 + rng.int(3) };
    if (op === 'div' && divisors.length > 0) return { op, value: rng.pick(divisors) };
  }
}

/** Most operations an arithmetic problem may have (`k`). */
export const MAX_ARITHMETIC_K = 12;

function generate(rng: Rng, options?: GenerateOptions): GeneratedTask<ArithmeticInstance> {
  // k = number of operations; the default draws 3 to 5 per problem (multi-step, GSM8K-like).
  const k = options?.k ?? 3 + rng.int(3);
  if (!Number.isInteger(k) || k < 1 || k > MAX_ARITHMETIC_K) throw new RangeError(`k must be an integer from 1 to ${MAX_ARITHMETIC_K}, got ${k}`);
  const person = rng.pick(FIRST_NAMES);
  const object = rng.pick(OBJECTS);
  const container = rng.pick(CONTAINERS);
  const theme = rng.pick(THEMES);
  const start = 6 + rng.int(55);
  const steps: ArithmeticInstance['steps'] = [];
  let value = start;
  for (let i = 0; i < k; i++) {
    const step = pickOp(rng, value);
    steps.push(step);
    value = applyStep(value, step);
  }
  const sentences = steps.map((step) => {
    if (step.op === 'add') return rng.pick(ADD)(person, step.value, object);
    if (step.op === 'sub') return rng.pick(SUB)(person, step.value, object);
    if (step.op === 'mul') return rng.pick(MUL)(person, step.value, object);
    return rng.pick(DIV)(person, step.value, object, container);
  });
  const instance = { start, steps };
  const prompt = [theme.start(person, start, object), ...sentences, theme.question(person, object)].join(' ');
  return { prompt, answer: solve(instance), instance };
}

// ---------------------------------------------------------------------------------------------------------------
// Recognition: from the first sentence that states a starting quantity ("has 12", "starts with 12") up to the
// question ("How many ...?"), each sentence or clause carries at most one operation, read by its verb.

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const NUM = String.raw`(\$?\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const START = new RegExp(
  String.raw`\b(?:has|had|have|owns|owned|starts?\s+(?:\w+\s+){0,3}?with|started\s+(?:\w+\s+){0,3}?with|begins?\s+with|began\s+with|collection\s+of|there\s+(?:are|were|is|was))\s+${NUM}`,
  'i',
);
/** The person of the story: the name before the starting quantity ("Ann has 12"). */
const PERSON = /\b([A-Z][a-z]+)\s+(?:has|had|owns|owned|starts|started|begins|began)\b/;
/** "Bob gives her 5", "His sister gives Omar 4 more": who gives, and to whom. */
const GIVE_TO = new RegExp(String.raw`^(.*?)\bgives?\s+(her|him|them|[A-Z][a-z]+)\s+(?:another\s+)?${NUM}`);
/** The number before its verb: "6 fly away", "7 got off" (leaving), "3 more got on" (arriving). */
const SUB_AFTER = new RegExp(
  String.raw`${NUM}\s+(?:\w+\s+){0,2}?(?:fly|flies|flew|run|runs|ran|go|goes|went|walk|walks|walked|swim|swims|swam|leave|leaves|left|get|gets|got)\s+(?:away|off|out)\b`,
  'i',
);
const ADD_AFTER = new RegExp(
  String.raw`${NUM}\s+(?:more\s+)?(?:\w+\s+){0,2}?(?:join|joins|joined|arrive|arrives|arrived|come|comes|came|get\s+on|gets\s+on|got\s+on|board|boards|boarded)\b`,
  'i',
);
const DIV_CLAUSE = new RegExp(String.raw`\b(?:equally|evenly)\b[^.?!]*?\b(?:into|among|between)\s+${NUM}`, 'i');
const HALF = /\bhalf\b/i;
const MUL_WORD = /\b(doubles?|doubled|triples?|tripled|quadruples?|quadrupled)\b/i;
const MUL_TIMES = new RegExp(String.raw`\b${NUM}\s+times\b`, 'i');
const MUL_BY = new RegExp(String.raw`\bmultipl(?:y|ies|ied)\b[^.?!]*?\bby\s+${NUM}`, 'i');
const SUB_VERB = new RegExp(
  String.raw`\b(?:gives?|gave|loses?|lost|sells?|sold|eats?|ate|uses?|used|spends?|spent|donates?|donated|breaks?|broke|removes?|removed|subtracts?|subtracted|takes?\s+away|took\s+away|throws?\s+away|threw\s+away)\b[^.?!]*?${NUM}`,
  'i',
);
const ADD_VERB = new RegExp(
  String.raw`\b(?:buys?|bought|receives?|received|finds?|found|gets?|got|earns?|earned|adds?|added|gains?|gained|wins?|won|collects?|collected|picks?\s+up|picked\s+up)\b[^.?!]*?${NUM}`,
  'i',
);
const QUESTION = /\?|\bhow\s+(?:many|much)\b|\bwhat\s+is\s+the\s+(?:final|total)\b/i;

function numberOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const word = WORD_NUMBERS[text.toLowerCase()];
  if (word !== undefined) return word;
  const value = Number(text.replace(/[$,]/g, ''));
  return Number.isFinite(value) ? value : null;
}

function clausesOf(text: string): string[] {
  return text
    .split(/(?<=[.?!;])\s+|\n+/)
    .flatMap((s) => s.split(/,\s*(?:and\s+)?then\s+|\s+and\s+then\s+|\s+and\s+(?=\d)/i))
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

/** A gift to the story's person from someone else ("Bob gives her 5"): an addition, whatever "gives" suggests. */
function giftToPerson(clause: string, person: string | null): boolean {
  const m = GIVE_TO.exec(clause);
  if (m === null) return false;
  const giver = (m[1] ?? '').trim().split(/\s+/).at(-1) ?? '';
  const recipient = m[2] ?? '';
  const toPerson = /^(?:her|him|them)$/.test(recipient) || recipient === person;
  const byPerson = giver === person || /^(?:she|he|they|i|we)$/i.test(giver);
  return toPerson && giver !== '' && !byPerson;
}

/** The one operation a clause states, or null. Division and multiplication words are read before "gives"/"gets". */
function parseStep(clause: string, person: string | null = null): ArithmeticInstance['steps'][number] | null {
  const div = DIV_CLAUSE.exec(clause);
  if (div) {
    const n = numberOf(div[1]);
    return n === null || n === 0 ? null : { op: 'div', value: n };
  }
  if (HALF.test(clause)) return { op: 'div', value: 2 };
  const word = MUL_WORD.exec(clause)?.[1]?.toLowerCase();
  if (word !== undefined) return { op: 'mul', value: word.startsWith('doub') ? 2 : word.startsWith('trip') ? 3 : 4 };
  const times = MUL_TIMES.exec(clause) ?? MUL_BY.exec(clause);
  if (times) {
    const n = numberOf(times[1]);
    return n === null ? null : { op: 'mul', value: n };
  }
  // "gives Ann another 5, so Ann gets 5 more" states one change twice: the clause's first verb decides.
  const sub = SUB_VERB.exec(clause) ?? SUB_AFTER.exec(clause);
  const add = ADD_VERB.exec(clause) ?? ADD_AFTER.exec(clause);
  const first = sub && add ? (sub.index <= add.index ? sub : add) : (sub ?? add);
  if (!first) return null;
  const n = numberOf(first[1]);
  if (n === null) return null;
  // A gift TO the person ("A friend gives Ann 5") is an addition: the giver is someone else.
  const gift = first === sub && ((add !== null && /\bgives?\b[^.?!]*\b(?:another|more)\b/i.test(clause)) || giftToPerson(clause, person));
  return { op: first === sub && !gift ? 'sub' : 'add', value: n };
}

function recognise(text: string): ArithmeticInstance | null {
  // The first paragraph that states a starting quantity; the problem may run on into the next few paragraphs.
  const paragraphs = splitParagraphs(text);
  const from = paragraphs.findIndex((p) => START.test(p));
  if (from === -1) return null;
  const region = paragraphs.slice(from, from + 4).join('\n');
  let start: number | null = null;
  let person: string | null = null;
  const steps: ArithmeticInstance['steps'] = [];
  for (const clause of clausesOf(region)) {
    if (start === null) {
      const m = START.exec(clause);
      if (m) {
        start = numberOf(m[1]);
        person = PERSON.exec(clause)?.[1] ?? null;
      }
      continue;
    }
    if (QUESTION.test(clause)) break;
    const step = parseStep(clause, person);
    if (step) steps.push(step);
  }
  if (start === null || steps.length === 0) return null;
  return { start, steps };
}

export const arithmeticFamily: TaskFamily<ArithmeticInstance> = Object.freeze({
  name: 'arithmetic',
  answerType: 'number',
  generate,
  recognise,
  solve,
});
