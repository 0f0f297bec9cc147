import type { AnswerType } from '../core-types.js';
import { normaliseAnswer } from './normalise-answer.js';

/** A final answer found in a reply (`answer` normalised, `raw` as written), or why none could be read. */
export type ExtractionResult = { ok: true; answer: string; raw: string } | { ok: false; reason: string };

/**
 * Where a reply states its answer. Labelled statements ("Answer: ek", `\boxed{12}`) are deliberate, so they
 * outrank "the answer is …" phrases, which also turn up in reasoning ("the answer is not obvious yet") and in
 * sign-offs ("I hope this answer is helpful"). Within a rank the LAST statement wins: a reasoning reply revises
 * itself, and its final word is the one it commits to.
 */
interface Statement {
  rank: 'labelled' | 'phrase';
  position: number;
  /** Text after the statement's marker up to the end of its line. */
  value: string;
  /** The statement's marker ends its line, so the value may sit on the next non-empty line. */
  valueMayFollow: boolean;
}

// "Answer: ek" at the start of a line (after list/quote/heading markers); an inline "…answer: x" is a phrase.
const LABEL_LINE = /^[ \t]*(?:[-*•>#]+[ \t]*|\d+[.)][ \t]*)?(?:(?:the|my|final|correct)[ \t]+)*answer[ \t]*[:：=]/gimu;
// A heading with nothing after it ("**Final Answer**", "Answer:"): the answer is on the next non-empty line.
const HEADER_LINE = /^[ \t]*(?:#+[ \t]*)?(?:(?:the|my|final|correct)[ \t]+)*answer[ \t]*[:：]?[ \t]*$/gimu;
const PHRASE = /\banswer(?:\s+(?:is|was|would\s+be|will\s+be|should\s+be)\b\s*:?|[ \t]*[:：=])/giu;
const BOXED = /\\boxed\{([^{}]*)\}/gu;

/** Drops markdown emphasis so `**Answer:** ek` and `The answer is **ek**` read like their plain forms. */
function plainText(text: string): string {
  return text
    .replace(/<think>[\s\S]*?<\/think>/giu, '')
    .replace(/\*\*|__/g, '')
    // Single-asterisk emphasis (`*Answer*: ek`) hugs a word; arithmetic (`3 * 4`, `3*4`) does not match.
    .replace(/(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])/gu, '')
    .replace(/\r\n?/g, '\n');
}

function restOfLine(text: string, from: number): string {
  const end = text.indexOf('\n', from);
  return text.slice(from, end === -1 ? undefined : end);
}

function findStatements(text: string): Statement[] {
  const statements: Statement[] = [];
  for (const match of text.matchAll(LABEL_LINE)) {
    const value = restOfLine(text, match.index + match[0].length);
    statements.push({ rank: 'labelled', position: match.index, value, valueMayFollow: value.trim() === '' });
  }
  for (const match of text.matchAll(HEADER_LINE)) {
    statements.push({ rank: 'labelled', position: match.index, value: '', valueMayFollow: true });
  }
  for (const match of text.matchAll(BOXED)) {
    statements.push({ rank: 'labelled', position: match.index, value: match[1] ?? '', valueMayFollow: false });
  }
  for (const match of text.matchAll(PHRASE)) {
    const value = restOfLine(text, match.index + match[0].length);
    statements.push({ rank: 'phrase', position: match.index, value, valueMayFollow: value.trim() === '' });
  }
  return statements;
}

function lastOf(statements: Statement[], rank: Statement['rank']): Statement | undefined {
  let best: Statement | undefined;
  for (const statement of statements) {
    if (statement.rank === rank && (best === undefined || statement.position >= best.position)) best = statement;
  }
  return best;
}

/** A later statement on the chosen one's line ("Answer: The answer is ek"), if any. */
function laterOnSameLine(text: string, statements: Statement[], chosen: Statement): Statement | undefined {
  let last: Statement | undefined;
  for (const statement of statements) {
    const between = text.slice(chosen.position, statement.position);
    if (statement.position > (last ?? chosen).position && !between.includes('\n')) last = statement;
  }
  return last;
}

/** The statement's value, or the next non-empty line when the marker ends its line ("**Final answer:**\n\nek"). */
function statementValue(text: string, statement: Statement): string {
  if (!statement.valueMayFollow) return statement.value.trim();
  const after = text.slice(statement.position).split('\n').slice(1);
  return (after.find((line) => line.trim() !== '') ?? '').trim();
}

/**
 * Readings of a value from most to least literal: the whole value up to its sentence end, then the part before
 * a trailing justification ("ek, because …", "12 (three times four)").
 */
function readings(value: string): string[] {
  const sentence = value.split(/\.(?=\s)/u)[0] ?? value;
  const head = sentence.split(/[,;(]|\s[-–—]\s|\s(?:because|since|as)\s/u)[0] ?? sentence;
  return head === sentence ? [sentence] : [sentence, head];
}

function clip(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}...` : value;
}

function readValue(value: string, answerType: AnswerType): ExtractionResult {
  for (const reading of readings(value)) {
    const answer = normaliseAnswer(reading, answerType);
    if (answer !== null) return { ok: true, answer, raw: reading.trim() };
  }
  return { ok: false, reason: `answer '${clip(value)}' is not a valid ${answerType} answer` };
}

function extract(text: string, answerType: AnswerType): ExtractionResult {
  const plain = plainText(text);
  if (plain.trim() === '') return { ok: false, reason: 'the reply is empty' };
  const statements = findStatements(plain);
  const chosen = lastOf(statements, 'labelled') ?? lastOf(statements, 'phrase');
  if (chosen !== undefined) {
    const value = statementValue(plain, chosen);
    if (value === '') return { ok: false, reason: 'final answer line is empty' };
    const result = readValue(value, answerType);
    // "Answer: The answer is ek" states it twice on one line: the inner statement is read only when the outer
    // value is unreadable, so "Answer: yes - the answer is based on parity" still reads "yes".
    const inner = result.ok ? undefined : laterOnSameLine(plain, statements, chosen);
    const innerResult = inner === undefined ? undefined : readValue(statementValue(plain, inner), answerType);
    return innerResult?.ok ? innerResult : result;
  }
  // No statement: only a reply that is nothing but the answer ("ek", "Yes.", "No, it is tails up.") is read.
  // A longer reply's last line could be anything (a remark, a restated question), so guessing would add noise.
  const lines = plain.split('\n').filter((line) => line.trim() !== '');
  const only = lines.length === 1 ? lines[0] : undefined;
  if (only !== undefined) {
    const result = readValue(only, answerType);
    if (result.ok) return result;
  }
  return { ok: false, reason: 'no final answer line and the reply is not a bare answer' };
}

function lastBracketed(text: string, answerType: AnswerType): ExtractionResult | null {
  const markers = [...text.matchAll(/\[\[\s*([A-Za-z]{1,3})\s*\]\]/gu)];
  const last = markers.at(-1);
  if (last === undefined) return null;
  const answer = normaliseAnswer(last[0], answerType);
  return answer === null ? null : { ok: true, answer, raw: last[0] };
}

/**
 * Finds the final answer in a model reply and normalises it for `answerType`. Never throws: an unreadable reply
 * is an ordinary outcome (the sample simply casts no vote), reported with a reason fit for a rejects file.
 */
export function extractAnswer(text: string, answerType: AnswerType): ExtractionResult {
  if (typeof text !== 'string') return { ok: false, reason: 'the reply is not text' };
  try {
    // A judge states its verdict in brackets ("[[A]]"), usually after its explanation: the last one is final.
    const bracketed = answerType === 'verdict' || answerType === 'option' ? lastBracketed(text, answerType) : null;
    return bracketed ?? extract(text, answerType);
  } catch (error) {
    // Defensive only: extraction is pure string work, but one odd reply must never fail a whole item.
    return { ok: false, reason: `extraction failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
