import type { AnswerType } from '../core-types.js';
import {
  boldInConclusion,
  labelledLastLine,
  lastLineAnswer,
  numberInConclusion,
  polarWords,
  quotedInConclusion,
  type Found,
} from './answer-fallbacks.js';
import { findStatements, type Statement } from './answer-statements.js';
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

const SELF_CORRECTION = /\b(?:wait|actually|correction|my\s+(?:mistake|error|bad)|i\s+made\s+an?\s+(?:mistake|error|slip)|i\s+slipped|oops|sorry|re-?check\w*|recount\w*|on\s+second\s+thought|let\s+me\s+(?:re-?)?(?:check|verify|look|correct)|i\s+was\s+wrong|that'?s\s+(?:wrong|not\s+right|incorrect)|scratch\s+that|i\s+mis\w+|hmm+|hold\s+on|no,\s+(?:that|it)|correcting|double-check\w*)\b/iu;
const HEDGE_AFTER = /\b(?:not\s+(?:\w+\s+)?(?:sure|certain)|unsure|uncertain|can(?:not|'t|’t)\s+(?:decide|be\s+sure|pick|choose|say|tell)|rather\s+not\s+commit|both\s+(?:are|would\s+be)\s+(?:valid|correct|possible|acceptable)|depending\s+on\s+(?:what|which|whether|how)|it\s+depends)\b/iu;
const ASKS_BACK = /\b(?:(?:could|can|would)\s+you\s+(?:please\s+)?(?:clarify|specify|confirm|tell\s+me\s+which)|which\s+(?:one|of\s+(?:the|these)(?:\s+\w+)?|\w+)\s+(?:do|did|would)\s+you\s+(?:mean|want|prefer|need)|(?:did|do)\s+you\s+mean|i(?:'d|’d|\s+would)\s+need\s+to\s+know|which\s+(?:\w+\s+)?you\s+prefer)\b/iu;
/** A few-shot continuation: after answering, the model writes the next example's question itself. */
const RUN_ON = /\n\s*(?:question|q|problem|human|user|### instruction)\s*\d*\s*[:：]/iu;

interface Read {
  statement: Statement;
  reading: Reading;
}

function answerOf(reading: Reading): string | null {
  return reading.kind === 'answer' ? reading.answer : null;
}

function fromReading(reading: Reading, raw: string, answerType: AnswerType): ExtractionResult | null {
  if (reading.kind === 'answer') return { ok: true, answer: reading.answer, raw: raw.trim() };
  if (reading.kind === 'ambiguous') return { ok: false, reason: `ambiguous ${answerType} answer '${clip(raw)}': ${reading.why}` };
  return null;
}

function ambiguousResult(answerType: AnswerType, why: string): ExtractionResult {
  return { ok: false, reason: `ambiguous ${answerType} answer: ${why}` };
}

/** Cuts a few-shot run-on, but only after the reply has stated an answer (a restated "Question:" may open it). */
function withoutRunOn(plain: string, statements: readonly Statement[]): string {
  const match = RUN_ON.exec(plain);
  if (match === null) return plain;
  return statements.some((s) => s.rank === 'labelled' && s.position < match.index) ? plain.slice(0, match.index) : plain;
}

/**
 * A reply that stops mid-sentence hit its token limit: its prose is unfinished reasoning, so nothing is read from
 * it by fallback. It ends on a word that cannot end a sentence ("…, so", "35 + 21 ="), or runs on for a few words
 * with no closing punctuation. "Label: value" lines, worked lines ("o + o = oo") and lines ending in a number are
 * answers, not cuts.
 */
const DANGLING = /(?:\s(?:the|a|an|of|to|in|on|at|by|for|with|and|or|but|so|is|are|was|were|be|that|which|then|than|its|their|this|these|his|her|our|my|your|from|into|as|if|because|since)|\s[=+\-−×/÷(]|[,=])\s*$/u;

function looksCutOff(body: string): boolean {
  const last = body.trimEnd().split('\n').at(-1)?.trim() ?? '';
  if (DANGLING.test(last)) return true;
  if (/[:=]/u.test(last) || /[.!?)\]}"'”’*`$>\p{N}\p{Extended_Pictographic}]$/u.test(last)) return false;
  return last.split(/\s+/u).length >= 4;
}

function fallback(body: string, plain: string, answerType: AnswerType): Found | null {
  if (looksCutOff(body)) return null;
  const lastCorrection = [...plain.matchAll(new RegExp(SELF_CORRECTION.source, 'giu'))].at(-1);
  return (
    labelledLastLine(plain, answerType) ??
    boldInConclusion(body, answerType) ??
    quotedInConclusion(plain, answerType) ??
    (answerType === 'yes-no' ? polarWords(plain, lastCorrection === undefined ? null : lastCorrection.index) : null) ??
    lastLineAnswer(body, plain, answerType) ??
    (answerType === 'number' ? numberInConclusion(plain) : null)
  );
}

/** Another labelled answer that differs from the chosen one with no self-correction between them. */
function rivalLabel(plain: string, chosen: Read, reads: readonly Read[]): boolean {
  const value = answerOf(chosen.reading);
  return reads.some((r) => {
    if (r === chosen || r.statement.rank !== 'labelled') return false;
    const other = answerOf(r.reading);
    if (other === null || other === value) return false;
    const [from, to] = [r.statement.position, chosen.statement.position].sort((a, b) => a - b) as [number, number];
    return !SELF_CORRECTION.test(plain.slice(from, to));
  });
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
  const lastBreak = plain.search(/\n\s*\n(?![\s\S]*\n\s*\n)/u);
  if (lastBreak === -1 || chosen.statement.position > lastBreak) return null;
  const tail = plain.slice(lastBreak);
  const found =
    quotedInConclusion(tail, answerType) ??
    boldInConclusion(body.slice(body.search(/\n\s*\n(?![\s\S]*\n\s*\n)/u)), answerType) ??
    (answerType === 'number' ? numberInConclusion(tail) : null);
  if (found?.reading.kind !== 'answer') return null;
  return fromReading(found.reading, found.raw, answerType);
}

function extract(text: string, answerType: AnswerType): ExtractionResult {
  const body = replyBody(text);
  if (!body.ok) return body;
  const fullPlain = plainText(body.text);
  if (fullPlain.trim() === '') return { ok: false, reason: 'the reply is empty' };
  const plain = withoutRunOn(fullPlain, findStatements(fullPlain));
  const bodyText = plain.length === fullPlain.length ? body.text : body.text.slice(0, body.text.length - (fullPlain.length - plain.length));
  if (ASKS_BACK.test(plain.split(/\n\s*\n/u).filter((p) => p.trim() !== '').at(-1) ?? '')) {
    return ambiguousResult(answerType, 'the reply asks which reading was meant');
  }
  const statements = findStatements(plain).sort((a, b) => a.position - b.position);
  const cutOff = looksCutOff(bodyText);
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
      if (answerType === 'yes-no') {
        const leading = polarWords(plain.slice(0, chosen.statement.position), null);
        const value = leading === null ? null : answerOf(leading.reading);
        if (value !== null && value !== chosen.reading.answer && !SELF_CORRECTION.test(plain.slice(0, chosen.statement.position))) {
          return ambiguousResult(answerType, 'the reply opens with the opposite answer');
        }
      }
      if (HEDGE_AFTER.test(plain.slice(chosen.statement.position))) return ambiguousResult(answerType, 'the reply doubts its answer');
    }
    const result = fromReading(chosen.reading, chosen.statement.value, answerType);
    if (result !== null) return result;
  }
  const lastLabel = statements.filter((s) => s.rank === 'labelled').at(-1);
  // "Answer:" as the very last line, with nothing after it: the reply stopped where its answer should be.
  if (lastLabel?.value.trim() === '' && plain.slice(lastLabel.position).trim().split('\n').length === 1) {
    return { ok: false, reason: 'final answer line is empty' };
  }
  const found = fallback(bodyText, plain, answerType);
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
    return extract(text, answerType);
  } catch (error) {
    // Defensive only: extraction is pure string work, but one odd reply must never fail a whole item.
    return { ok: false, reason: `extraction failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
