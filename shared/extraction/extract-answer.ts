import type { AnswerType } from '../core-types.js';
import { boldInConclusion, lastLineAnswer, leadingYesNo, quotedInConclusion, type Found } from './answer-fallbacks.js';
import { findStatements, type Statement } from './answer-statements.js';
import { clip } from './answer-text.js';
import { readAnswer } from './read-answer.js';
import type { Reading } from './reading.js';
import { plainText, replyBody } from './reply-text.js';

/** A final answer found in a reply (`answer` normalised, `raw` as written), or why none could be read. */
export type ExtractionResult = { ok: true; answer: string; raw: string } | { ok: false; reason: string };

/**
 * How a reply is read, in order:
 * 1. Reasoning blocks (`<think>…</think>`) are dropped; an unclosed one means no answer.
 * 2. Statements (answer-statements.ts): the last readable labelled statement ("Answer:", `\boxed{}`, `[[A]]`)
 *    wins, unless a later phrase ("the answer is …") follows a self-correction ("wait, actually …"); with no
 *    readable labelled statement, the last readable phrase wins. An unreadable statement ("Answer: see above")
 *    is passed over for an earlier readable one.
 * 3. With no statement at all: a bold or quoted answer in the concluding sentences, a leading "Yes,"/"No,", a
 *    last line that is only an answer.
 * An ambiguous reading (two candidates, a list, a range, a hedge) ends the search without a vote: the reply
 * named more than one answer, and choosing among them would be a guess.
 */

const SELF_CORRECTION = /\b(?:wait|actually|correction|mistake|oops|sorry|re-?check\w*|recount\w*|on\s+second\s+thought|let\s+me\s+(?:re-?)?(?:check|verify|look)|i\s+was\s+wrong|that'?s\s+(?:wrong|not\s+right|incorrect)|scratch\s+that|i\s+mis\w+|hmm|hold\s+on|no,\s+(?:that|it)|correcting)\b/iu;

interface Read {
  statement: Statement;
  reading: Reading;
}

function readStatement(statement: Statement, answerType: AnswerType): Reading {
  return readAnswer(statement.value, answerType);
}

function lastOf(reads: readonly Read[], rank: Statement['rank']): Read | undefined {
  return reads.filter((r) => r.statement.rank === rank).at(-1);
}

/** Two different `[[X]]` in the final one's sentence ("[[A]] or [[B]]", an echoed format) name no single verdict. */
function bracketClash(text: string, chosen: Read, reads: readonly Read[]): boolean {
  if (chosen.statement.bracketed !== true || chosen.reading.kind !== 'answer') return false;
  const value = chosen.reading.answer;
  return reads.some(
    (r) =>
      r.statement.bracketed === true &&
      r.reading.kind === 'answer' &&
      r.reading.answer !== value &&
      !/\n|[.!?;]\s/u.test(
        text.slice(Math.min(r.statement.position, chosen.statement.position), Math.max(r.statement.position, chosen.statement.position)),
      ),
  );
}

function choose(text: string, reads: readonly Read[]): Read | undefined {
  const label = lastOf(reads, 'labelled');
  const phrase = lastOf(reads, 'phrase');
  if (label === undefined) return phrase;
  if (phrase !== undefined && phrase.statement.position > label.statement.position) {
    const between = text.slice(label.statement.position, phrase.statement.position);
    if (SELF_CORRECTION.test(between)) return phrase;
  }
  return label;
}

function fromReading(reading: Reading, raw: string, answerType: AnswerType): ExtractionResult | null {
  if (reading.kind === 'answer') return { ok: true, answer: reading.answer, raw: raw.trim() };
  if (reading.kind === 'ambiguous') return { ok: false, reason: `ambiguous ${answerType} answer '${clip(raw)}': ${reading.why}` };
  return null;
}

function fallback(body: string, plain: string, answerType: AnswerType): Found | null {
  return (
    boldInConclusion(body, answerType) ??
    quotedInConclusion(plain, answerType) ??
    (answerType === 'yes-no' ? leadingYesNo(plain) : null) ??
    lastLineAnswer(body, plain, answerType)
  );
}

function extract(text: string, answerType: AnswerType): ExtractionResult {
  const body = replyBody(text);
  if (!body.ok) return body;
  const plain = plainText(body.text);
  if (plain.trim() === '') return { ok: false, reason: 'the reply is empty' };
  const statements = findStatements(plain).sort((a, b) => a.position - b.position);
  const reads = statements.map((statement) => ({ statement, reading: readStatement(statement, answerType) }));
  const readable = reads.filter((r) => r.reading.kind !== 'none');
  const chosen = choose(plain, readable);
  if (chosen !== undefined) {
    if (bracketClash(plain, chosen, readable)) return { ok: false, reason: `ambiguous ${answerType} answer: two different bracketed verdicts` };
    const result = fromReading(chosen.reading, chosen.statement.value, answerType);
    if (result !== null) return result;
  }
  const found = fallback(body.text, plain, answerType);
  const result = found === null ? null : fromReading(found.reading, found.raw, answerType);
  if (result !== null) return result;
  const lastLabel = statements.filter((s) => s.rank === 'labelled').at(-1);
  if (lastLabel !== undefined) {
    if (lastLabel.value.trim() === '') return { ok: false, reason: 'final answer line is empty' };
    return { ok: false, reason: `answer '${clip(lastLabel.value)}' is not a valid ${answerType} answer` };
  }
  return { ok: false, reason: 'no final answer found in the reply' };
}

/**
 * Finds the final answer in a model reply and normalises it for `answerType`. Never throws: an unreadable reply
 * is an ordinary outcome (the sample simply casts no vote), reported with a reason fit for a rejects file.
 */
export function extractAnswer(text: string, answerType: AnswerType): ExtractionResult {
  if (typeof text !== 'string') return { ok: false, reason: 'the reply is not text' };
  try {
    return extract(text, answerType);
  } catch (error) {
    // Defensive only: extraction is pure string work, but one odd reply must never fail a whole item.
    return { ok: false, reason: `extraction failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
