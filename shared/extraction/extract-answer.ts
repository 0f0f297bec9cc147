import type { AnswerType } from '../core-types.js';
import {
  boldInConclusion,
  copularConclusion,
  labelledLastLine,
  lastLineAnswer,
  numberInConclusion,
  polarWords,
  quotedInConclusion,
  SIGN_OFF_LINE,
  type Found,
} from './answer-fallbacks.js';
import { findStatements } from './answer-statements.js';
import { answerOf, ASKS_BACK, HEDGE_AFTER, parallelReadings, rivalLabel, SELF_CORRECTION, type Read } from './commitment-signals.js';
import { cutInsideAnswer, endsInsideValue, looksCutOff } from './cut-off-replies.js';
import { clip } from './answer-text.js';
import { readAnswer } from './read-answer.js';
import type { Reading } from './reading.js';
import { plainText, replyBody } from './reply-text.js';

/** A final answer found in a reply (`answer` normalised, `raw` as written), or why none could be read. */
export type ExtractionResult = { ok: true; answer: string; raw: string } | { ok: false; reason: string };

/**
 * How a reply is read, in order:
 * 1. Reasoning blocks (`<think>…</think>`) are dropped; an unclosed one means no answer. A few-shot run-on (the
 *    model answering, then writing "Question: …" and answering that too) is cut at the new question.
 * 2. Statements (answer-statements.ts): the last readable labelled statement ("Answer:", `\boxed{}`, `[[A]]`,
 *    `{"answer": …}`) wins, else the last readable phrase ("the answer is …", "so we get …"). An unreadable one
 *    ("Answer: see above") is passed over for an earlier readable one.
 * 3. A self-correction after it ("Wait, actually …", "Correction: …") hands the answer to what follows the
 *    correction.
 * 4. With no statement: bold or quoted answers in the conclusion, a "Label: value" last line, yes/no words used as
 *    answers, the number a prose conclusion states, a last line that is only an answer.
 * Ambiguity ends the search without a vote: two different labelled answers with no correction between them, an
 *    answer offered with an alternative, a hedge after the answer ("… I'm not sure"), a reply that asks which
 *    reading was meant. Choosing among the candidates would be a guess, and a wrong vote costs more than none.
 */

/** A few-shot continuation: after answering, the model writes the next example's question itself. */
const RUN_ON = /\n[ \t>]*(?:#{1,6}[ \t]*)?(?:(?:follow-?up|next|new|another|bonus|extra)[ \t]+)?(?:question|q|problem|exercise|human|user|instruction)\b[ \t]*\d*[ \t]*(?:[:：.]|$)/imu;

function fromReading(reading: Reading, raw: string, answerType: AnswerType): ExtractionResult | null {
  if (reading.kind === 'answer') return { ok: true, answer: reading.answer, raw: raw.trim() };
  if (reading.kind === 'ambiguous') return { ok: false, reason: `ambiguous ${answerType} answer '${clip(raw)}': ${reading.why}` };
  return null;
}

function ambiguousResult(answerType: AnswerType, why: string): ExtractionResult {
  return { ok: false, reason: `ambiguous ${answerType} answer: ${why}` };
}

function fallback(body: string, plain: string, answerType: AnswerType, cutOff: boolean): Found | null {
  if (cutOff) return null;
  const lastCorrection = [...plain.matchAll(new RegExp(SELF_CORRECTION.source, 'giu'))].at(-1);
  return (
    labelledLastLine(plain, answerType) ??
    boldInConclusion(body, answerType) ??
    quotedInConclusion(plain, answerType) ??
    (answerType === 'yes-no' ? polarWords(plain, lastCorrection === undefined ? null : lastCorrection.index) : null) ??
    (answerType === 'text' ? copularConclusion(plain) : null) ??
    lastLineAnswer(body, plain, answerType) ??
    (answerType === 'number' ? numberInConclusion(plain) : null)
  );
}

/** What a self-correction after the chosen statement settles on, if it settles on anything. */
function corrected(plain: string, body: string, chosen: Read, reads: readonly Read[], answerType: AnswerType): Found | null {
  const after = plain.slice(chosen.statement.position + 1);
  const cue = SELF_CORRECTION.exec(after);
  if (cue === null) return null;
  const from = chosen.statement.position + 1 + cue.index;
  const later = reads.filter((r) => r.statement.position > from).at(-1);
  if (later !== undefined) return { reading: later.reading, raw: later.statement.value };
  const tail = plain.slice(from);
  return (
    boldInConclusion(body.slice(Math.max(0, body.length - tail.length - 8)), answerType) ??
    quotedInConclusion(tail, answerType) ??
    (answerType === 'yes-no' ? polarWords(plain, from) : null) ??
    (answerType === 'number' ? numberInConclusion(tail) : null)
  );
}

/**
 * A phrase in the reasoning ("So the new value is $200,000.") followed by a final paragraph that concludes in
 * prose without a marker ("Josh's profit is $70,000."): the final paragraph has the last word.
 */
function laterConclusion(plain: string, body: string, chosen: Read, answerType: AnswerType): ExtractionResult | null {
  const closing = closingParagraph(plain);
  if (closing === null || chosen.statement.position > closing.start) return null;
  const tail = plain.slice(closing.start, closing.end);
  const bodyClosing = closingParagraph(body);
  const found =
    quotedInConclusion(tail, answerType) ??
    (bodyClosing === null ? null : boldInConclusion(body.slice(bodyClosing.start, bodyClosing.end), answerType)) ??
    (answerType === 'number' ? numberInConclusion(tail) : null);
  if (found?.reading.kind !== 'answer') return null;
  return fromReading(found.reading, found.raw, answerType);
}

/** The last paragraph that is not a sign-off ("Let me know if …"), as offsets into `text`. */
function closingParagraph(text: string): { start: number; end: number } | null {
  const breaks = [...text.matchAll(/\n\s*\n/gu)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const bounds = [0, ...breaks.map((b) => b.end)].map((start, i) => ({ start, end: breaks[i]?.start ?? text.length }));
  const substantive = bounds.filter((b) => text.slice(b.start, b.end).trim() !== '' && !SIGN_OFF_LINE.test(text.slice(b.start, b.end)));
  return substantive.length > 1 ? (substantive.at(-1) ?? null) : null;
}

function extract(text: string, answerType: AnswerType): ExtractionResult {
  const result = extractUnchecked(text, answerType);
  const body = replyBody(text);
  if (result.ok && body.ok && cutInsideAnswer(body.text, plainText(body.text), result.answer, answerType)) {
    return { ok: false, reason: 'the reply stops inside its answer (cut off before the answer was complete)' };
  }
  return result;
}

function extractUnchecked(text: string, answerType: AnswerType): ExtractionResult {
  const body = replyBody(text);
  if (!body.ok) return body;
  const plain = plainText(body.text);
  if (plain.trim() === '') return { ok: false, reason: 'the reply is empty' };
  const bodyText = body.text;
  if (ASKS_BACK.test(plain)) {
    return ambiguousResult(answerType, 'the reply asks which reading was meant');
  }
  const statements = findStatements(plain, answerType).sort((a, b) => a.position - b.position);
  // "The answer is A. Paris" may end a reply without a period; a last line stating a short answer is not a cut.
  const lastLineStart = plain.trimEnd().lastIndexOf('\n') + 1;
  const answersOnLastLine = statements.some(
    (s) => s.position >= lastLineStart && s.value.trim() !== '' && s.value.trim().split(/\s+/u).length <= 4 && readAnswer(s.value, answerType).kind === 'answer',
  );
  const cutOff = looksCutOff(bodyText) && !answersOnLastLine;
  const reads = statements
    // A cut-off reply never reached its conclusion: its "so that's 21" phrases are steps, only labels commit.
    .filter((statement) => !cutOff || statement.rank === 'labelled')
    .map((statement) => ({ statement, reading: readAnswer(statement.value, answerType) }))
    .filter((r) => r.reading.kind !== 'none');
  const chosen = reads.filter((r) => r.statement.rank === 'labelled').at(-1) ?? reads.at(-1);
  if (chosen !== undefined) {
    const concluded = chosen.statement.rank === 'phrase' ? laterConclusion(plain, bodyText, chosen, answerType) : null;
    if (concluded !== null) return concluded;
    const correction = corrected(plain, bodyText, chosen, reads, answerType);
    if (correction !== null) return fromReading(correction.reading, correction.raw, answerType) ?? ambiguousResult(answerType, 'unreadable correction');
    if (chosen.reading.kind === 'answer') {
      if (rivalLabel(plain, chosen, reads)) return ambiguousResult(answerType, 'two different labelled answers');
      if (parallelReadings(plain, chosen, reads)) return ambiguousResult(answerType, 'several readings side by side');
      if (answerType === 'yes-no') {
        const leading = polarWords(plain.slice(0, chosen.statement.position), null);
        const value = leading === null ? null : answerOf(leading.reading);
        if (value !== null && value !== chosen.reading.answer && !SELF_CORRECTION.test(plain.slice(0, chosen.statement.position))) {
          return ambiguousResult(answerType, 'the reply opens with the opposite answer');
        }
      }
      if (HEDGE_AFTER.test(plain.slice(chosen.statement.position))) return ambiguousResult(answerType, 'the reply doubts its answer');
    }
    if (answerType === 'number' && chosen.statement.rank === 'phrase' && chosen.statement.committed !== true && endsInsideValue(plain, bodyText, chosen.statement)) {
      return { ok: false, reason: 'the reply stops inside its answer sentence (it may have been cut off mid-answer)' };
    }
    const result = fromReading(chosen.reading, chosen.statement.value, answerType);
    if (result !== null) return result;
  }
  const lastLabel = statements.filter((s) => s.rank === 'labelled').at(-1);
  // "Answer:" as the very last line, with nothing after it: the reply stopped where its answer should be.
  if (lastLabel?.value.trim() === '' && plain.slice(lastLabel.position).trim().split('\n').length === 1) {
    return { ok: false, reason: 'final answer line is empty' };
  }
  const found = fallback(bodyText, plain, answerType, cutOff);
  const result = found === null ? null : fromReading(found.reading, found.raw, answerType);
  if (result !== null) {
    if (result.ok && HEDGE_AFTER.test(plain)) return ambiguousResult(answerType, 'the reply doubts its answer');
    return result;
  }
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
    // A few-shot run-on ("… The answer is 9.\n\nQuestion: … The answer is 14.") answers its own invented question
    // too: what the reply said before the first new question is its answer, when it said one.
    const runOn = RUN_ON.exec(text.replace(/\r\n?/g, '\n'));
    if (runOn !== null && runOn.index > 0) {
      const before = extract(text.replace(/\r\n?/g, '\n').slice(0, runOn.index), answerType);
      if (before.ok) return before;
    }
    return extract(text, answerType);
  } catch (error) {
    // Defensive only: extraction is pure string work, but one odd reply must never fail a whole item.
    return { ok: false, reason: `extraction failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
