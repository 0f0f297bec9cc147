import type { Rng } from '../random/seeded-random.js';
import { resolveK, splitParagraphs, type GenerateOptions, type GeneratedTask, type TaskFamily } from './task-family.js';
import { FIRST_NAMES } from './word-lists.js';

/** Coin flip: a coin starts on one side; k people in turn flip it or not; is it (still) on the asked side? */
export interface CoinFlipInstance {
  startsHeadsUp: boolean;
  turns: { person: string; flips: boolean }[];
  /** The side the question asks about (true: "is it heads up?"). */
  asksHeadsUp: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Generation (the coin always starts heads up and the question asks about heads, as in the paper's data)

const FLIP_PHRASES = ['flips the coin', 'flips it', 'turns the coin over', 'flips the coin over'] as const;
const KEEP_PHRASES = ['does not flip the coin', "doesn't flip it", 'leaves the coin as it is', 'does not flip it'] as const;

interface Wording {
  opening: string;
  turn: (person: string, flips: boolean, rng: Rng) => string;
  joiner: (clauses: string[]) => string;
  question: string;
}

const plainTurn = (person: string, flips: boolean, rng: Rng): string =>
  `${person} ${flips ? rng.pick(FLIP_PHRASES) : rng.pick(KEEP_PHRASES)}`;
const sentences = (clauses: string[]): string => clauses.map((c) => `${c}.`).join(' ');

const WORDINGS: readonly Wording[] = [
  { opening: 'A coin is heads up.', turn: plainTurn, joiner: sentences, question: 'Is the coin still heads up?' },
  {
    opening: 'A coin starts out heads up.',
    turn: (p, f) => `${p} ${f ? 'flipped the coin' : 'did not flip the coin'}`,
    joiner: sentences,
    question: 'Is it still heads up?',
  },
  {
    opening: 'The coin on the table shows heads.',
    turn: plainTurn,
    joiner: (c) => `${c.map((x, i) => (i === 0 ? `First, ${x}` : `then ${x}`)).join('; ')}.`,
    question: 'Does the coin still show heads?',
  },
  {
    opening: 'Heads is facing up on a coin.',
    turn: plainTurn,
    joiner: sentences,
    question: 'After all of these turns, is heads still facing up?',
  },
  {
    opening: 'A coin lies heads up.',
    turn: (p, f) => `${p} ${f ? 'turns it over' : 'leaves it alone'}`,
    joiner: sentences,
    question: 'Is the coin heads up now?',
  },
];

function generate(rng: Rng, options?: GenerateOptions): GeneratedTask<CoinFlipInstance> {
  const k = resolveK(options);
  const people = rng.shuffle(FIRST_NAMES).slice(0, k);
  const turns = people.map((person) => ({ person, flips: rng.chance(0.5) }));
  const instance: CoinFlipInstance = { startsHeadsUp: true, turns, asksHeadsUp: true };
  const w = rng.pick(WORDINGS);
  const prompt = `${w.opening} ${w.joiner(turns.map((t) => w.turn(t.person, t.flips, rng)))} ${w.question}`;
  return { prompt, answer: solve(instance), instance };
}

/** Heads up at the end iff it started heads up and was flipped an even number of times (or tails and odd). */
export function endsHeadsUp(instance: CoinFlipInstance): boolean {
  const flips = instance.turns.filter((t) => t.flips).length;
  return instance.startsHeadsUp === (flips % 2 === 0);
}

function solve(instance: CoinFlipInstance): string {
  return endsHeadsUp(instance) === instance.asksHeadsUp ? 'yes' : 'no';
}

// ---------------------------------------------------------------------------------------------------------------
// Recognition: the first statement is the paragraphs from the first one about a coin's heads/tails up to (and
// including) the first one that asks the question. Inside it: clauses of "<person> [does not] flip ...".

const FLIP_VERB =
  /\b(?:flips|flipped|flipping|flip|turns\s+(?:the\s+coin\s+|it\s+)?over|turned\s+(?:the\s+coin\s+|it\s+)?over|turn\s+(?:the\s+coin\s+|it\s+)?over|reverses|reversed|tosses|tossed)\b/i;
const KEEP_VERB = /\b(?:leaves|left|keeps|kept)\s+(?:the\s+coin|it)\b|\bdoes\s+nothing\b|\bdid\s+nothing\b/i;
const NEGATION = /\bnot\b|n't\b|\bnever\b|\brefuses\b|\brefused\b|\bdeclines\b|\bdeclined\b|\bwithout\b/i;
/** Auxiliary words between a person and the verb, stripped from the subject. */
const AUX =
  /\s+(?:does|did|do|doesn't|didn't|don't|not|never|also|then|now|chooses|chose|decides|decided|to|just|simply|again|carefully|quickly|refuses|refused|declines|declined|will|won't|would)\b.*$/i;
const CONNECTIVE = /^(?:and|then|next|after\s+that|afterwards|finally|first|second|third|later|now|so)\b,?\s*/i;
const SUBJECT = /^(?:[A-Z][A-Za-z'-]*(?:\s+[A-Z][A-Za-z'-]*){0,2}|(?:person|player)\s+\d+|the\s+(?:first|second|third|next|last)\s+person)$/i;
/** Capitalised sentence openers that are not people ("Each flip turns the coin", "To flip means ..."). */
const NOT_A_PERSON =
  /^(?:each|every|to|a|an|the|it|this|that|if|when|after|before|once|nobody|no|someone|flipping|then|here|there|so|one|all|both|why|how)\b/i;
const PERSON_PHRASE = /^(?:person|player)\s+\d+$|^the\s+(?:first|second|third|next|last)\s+person$/i;
const SIDE = /\b(heads|tails)\b/i;
const ELLIPTICAL_KEEP = /^(.+?)\s+(?:(?:does|did)\s+not|doesn't|didn't)$/i;

function isQuestion(sentence: string): boolean {
  return sentence.includes('?') || /^(?:is|does|was|will|tell|say|determine|decide|state|report)\b|\bwhether\b/i.test(sentence);
}

/** Sentences, then clauses inside them ("Ann flips it, then Bob does not"). */
function clausesOf(text: string): string[] {
  return text
    .split(/(?<=[.?!;:])\s+|\n+/)
    .flatMap((s) => s.split(/,\s*(?:and\s+)?(?:then\s+)?(?=[A-Z])|,\s*(?:and\s+)?then\s+|\s+and\s+then\s+|\s+and\s+(?=[A-Z])/))
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

function statementRegion(text: string): string | null {
  const paragraphs = splitParagraphs(text);
  const start = paragraphs.findIndex((p) => /\bcoins?\b/i.test(p) && SIDE.test(p));
  if (start === -1) return null;
  const region: string[] = [];
  for (let i = start; i < paragraphs.length && i < start + 4; i++) {
    const p = paragraphs[i] ?? '';
    region.push(p);
    if (clausesOf(p).some(isQuestion)) break;
  }
  return region.join('\n');
}

function parseTurn(clause: string): { person: string; flips: boolean } | null {
  let c = clause.replace(/[.!;:]+$/, '').replace(/^(?:[-*\u2022]|\d+[.)])\s*/, '');
  for (let prev = ''; prev !== c; ) {
    prev = c;
    c = c.replace(CONNECTIVE, '');
  }
  const flip = FLIP_VERB.exec(c);
  const keep = KEEP_VERB.exec(c);
  const verb = flip && (!keep || flip.index <= keep.index) ? flip : keep;
  if (!verb) {
    // "..., Chen does not, and ..." / "Chen doesn't.": the verb is left out, the turn is a keep.
    const person = ELLIPTICAL_KEEP.exec(c)?.[1]?.trim();
    return person !== undefined && SUBJECT.test(person) && !NOT_A_PERSON.test(person) ? { person, flips: false } : null;
  }
  const before = c.slice(0, verb.index).trim();
  const person = before.replace(AUX, '').trim();
  if (!SUBJECT.test(person) || (NOT_A_PERSON.test(person) && !PERSON_PHRASE.test(person))) return null;
  const flips = verb === flip && !NEGATION.test(before);
  return { person, flips };
}

function recognise(text: string): CoinFlipInstance | null {
  const region = statementRegion(text);
  if (region === null) return null;
  let startsHeadsUp: boolean | null = null;
  let asksHeadsUp: boolean | null = null;
  const turns: { person: string; flips: boolean }[] = [];
  for (const clause of clausesOf(region)) {
    const side = SIDE.exec(clause)?.[1]?.toLowerCase();
    if (isQuestion(clause)) {
      // The first question is the task's question; later ones belong to a restatement or to instructions.
      if (asksHeadsUp === null && side !== undefined) asksHeadsUp = side === 'heads';
      if (turns.length > 0) break;
      continue;
    }
    const turn = parseTurn(clause);
    if (turn) turns.push(turn);
    else if (side !== undefined && startsHeadsUp === null) startsHeadsUp = side === 'heads';
  }
  if (turns.length === 0) return null;
  const starts = startsHeadsUp ?? true;
  // "Is it still the same side up?" asks about the side it started on.
  return { startsHeadsUp: starts, turns, asksHeadsUp: asksHeadsUp ?? starts };
}

export const coinFlipFamily: TaskFamily<CoinFlipInstance> = Object.freeze({
  name: 'coin-flip',
  answerType: 'yes-no',
  generate,
  recognise,
  solve,
});
