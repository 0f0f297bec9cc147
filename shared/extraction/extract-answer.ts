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

const SELF_CORRECTION = /\b(?:wait|actually|correction|my\s+(?:mistake|error|bad)|i\s+made\s+an?\s+(?:mistake|error|slip)|i\s+slipped|oops|sorry|re-?check\w*|recount\w*|on\s+second\s+thought|let\s+me\s+(?:re-?|double-?)?(?:check|verify|look|correct)|i\s+was\s+wrong|that'?s\s+(?:wrong|not\s+right|incorrect)|scratch\s+that|i\s+mis\w+|hmm+|hold\s+on|no,\s+(?:that|it)|correcting|overlooked|revised|revising|check(?:ing)?\s+again|looking\s+again|on\s+closer\s+(?:look|inspection)|let\s+me\s+revise|i\s+take\s+(?:that|it)\s+back)\b/iu;
const HEDGE_AFTER = /\b(?:not\s+(?:\w+\s+)?(?:sure|certain)|unsure|uncertain|can(?:not|'t|’t)\s+(?:decide|be\s+sure|pick|choose|say|tell)|rather\s+not\s+commit|both\s+(?:are|would\s+be)\s+(?:valid|correct|possible|acceptable)|depending\s+on\s+(?:what|which|whether|how)|it\s+depends)\b/iu;
const ASKS_BACK = /\b(?:(?:could|can|would)\s+you\s+(?:please\s+)?(?:clarify|specify|confirm|tell\s+me\s+which)|which\s+(?:one|of\s+(?:the|these)(?:\s+\w+)?|\w+)\s+(?:do|did|would)\s+you\s+(?:mean|want|prefer|need)|(?:did|do)\s+you\s+mean|i(?:'d|’d|\s+would)\s+need\s+to\s+know|which\s+(?:\w+\s+)?you\s+prefer|let\s+me\s+know\s+which|which\s+(?:one|reading|version|\w+)\s+you\s+(?:meant|mean|want|need)|(?:do|did)\s+you\s+(?:want|mean)\b[^?\n]{0,120}\bor\b[^?\n]{0,120}\?)/iu;
/** A few-shot continuation: after answering, the model writes the next example's question itself. */
const RUN_ON = /\n[ \t>]*(?:#{1,6}[ \t]*)?(?:(?:follow-?up|next|new|another|bonus|extra)[ \t]+)?(?:question|q|problem|exercise|human|user|instruction)\b[ \t]*\d*[ \t]*(?:[:：.]|$)/imu;

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

/**
 * A reply that stops mid-sentence hit its token limit: its prose is unfinished reasoning, so nothing is read from
 * it by fallback. It ends on a word that cannot end a sentence ("…, so", "35 + 21 ="), or runs on for a few words
 * with no closing punctuation. "Label: value" lines, worked lines ("o + o = oo") and lines ending in a number are
 * answers, not cuts.
 */
const DANGLING = /(?:\s(?:the|a|an|of|to|in|on|at|by|for|with|and|or|but|so|is|are|was|were|be|that|which|then|than|its|their|this|these|his|her|our|my|your|from|into|as|if|because|since)|\s[=+\-−×/÷(]|[,=])\s*$/u;

function looksCutOff(body: string): boolean {
  const last = body.trimEnd().split('\n').at(-1)?.trim() ?? '';
  // "n i a" spells an answer; only a line with real words can dangle.
  // "… gives: or" ends on a value after its colon, not on a dangling word.
  const afterColon = /[:：]\s*([^:：]*)$/u.exec(last)?.[1];
  if (DANGLING.test(last) && /\p{L}{3}/u.test(last) && !(afterColon !== undefined && afterColon.trim().split(/\s+/u).length <= 3)) return true;
  if (/[:=]/u.test(last) || /[.!?)\]}"'”’*`$>\p{N}\p{Extended_Pictographic}]$/u.test(last)) return false;
  return last.split(/\s+/u).length >= 4;
}

/**
 * "…15 + 27 = 42, so the total is 4" with nothing after it: a prose sentence that ends the reply without its
 * closing punctuation may have been cut inside the answer (42 → 4), so it casts no vote. Labels and outright
 * "the answer is …" statements are exempt: they are how a reply ends on purpose.
 */
function endsInsideValue(plain: string, body: string, statement: Statement): boolean {
  if (plain.slice(statement.position).trimEnd().includes('\n')) return false;
  const lastLine = body.trimEnd().split('\n').at(-1) ?? '';
  return lastLine.trim().split(/\s+/u).length >= 5 && !/[.!?)\]}"'”’*`$>\p{Extended_Pictographic}]$/u.test(lastLine.trimEnd());
}

/**
 * A reply that ends with no closing punctuation on an answer that is the start of what its own working spells
 * ("…= 42, so the total is 4", letters a, n, a, n listed then "Putting these together: a") was cut off inside its
 * answer by the token limit.
 */
const LISTED_LETTER = /^[ \t]*(?:[-*•][ \t]*|\d+[.)][ \t]*)?\p{L}[\p{L}'’ ]+?[ \t]*(?:→|->|:|–|-)[ \t]*["'“‘]?(\p{L})["'”’]?[ \t]*$/gmu;

function cutInsideAnswer(body: string, plain: string, answer: string, answerType: AnswerType): boolean {
  if (/[.!?)\]}"'”’*`$>\p{Extended_Pictographic}]\s*$/u.test(body)) return false;
  if (answerType === 'number') {
    const lastLine = plain.trimEnd().split('\n').at(-1) ?? '';
    return [...lastLine.matchAll(/\d+/gu)].some((m) => m[0] !== answer && m[0].startsWith(answer));
  }
  if (answerType !== 'letters') return false;
  // The reply's own list of "word → letter" lines (its last line, the answer, left out).
  const lines = plain.trimEnd().split('\n').slice(0, -1).join('\n');
  const spelled = [...lines.matchAll(LISTED_LETTER)].map((m) => (m[1] ?? '').toLowerCase()).join('');
  return spelled.length > answer.length && spelled.startsWith(answer);
}

function fallback(body: string, plain: string, answerType: AnswerType): Found | null {
  if (looksCutOff(body)) return null;
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

/**
 * Another committed answer that differs from the chosen one with no self-correction between them: a labelled one,
 * or an outright "the answer is …" (not a tentative "I first thought the answer is …").
 */
function rivalLabel(plain: string, chosen: Read, reads: readonly Read[]): boolean {
  const value = answerOf(chosen.reading);
  return reads.some((r) => {
    if (r === chosen || !(r.statement.rank === 'labelled' || (r.statement.committed === true && chosen.statement.committed === true))) return false;
    const other = answerOf(r.reading);
    if (other === null || other === value) return false;
    const [from, to] = [r.statement.position, chosen.statement.position].sort((a, b) => a - b) as [number, number];
    return !SELF_CORRECTION.test(plain.slice(from, to));
  });
}

const CONCLUDING = /\b(?:so|therefore|thus|hence|finally|altogether|together|combined|joined|concatenat\w*|overall|in\s+total)\b/iu;

/**
 * Readings offered side by side in the final paragraph ("The first letters … giving 'go'. The last letters …
 * giving 'ra'.") rather than a chain that concludes ("… so we get ek"): the last is one option among several.
 */
function parallelReadings(plain: string, chosen: Read, reads: readonly Read[]): boolean {
  if (chosen.statement.rank !== 'phrase') return false;
  const paragraphStart = plain.slice(0, chosen.statement.position).search(/\n\s*\n(?![\s\S]*\n\s*\n)/u);
  const value = answerOf(chosen.reading);
  const rivals = reads.filter(
    (r) => r !== chosen && r.statement.position > paragraphStart && r.statement.position < chosen.statement.position && answerOf(r.reading) !== value,
  );
  if (rivals.length < 2) return false;
  const lineStart = plain.lastIndexOf('\n', chosen.statement.position) + 1;
  return !CONCLUDING.test(plain.slice(lineStart, chosen.statement.position));
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
  const fullPlain = plainText(body.text);
  if (fullPlain.trim() === '') return { ok: false, reason: 'the reply is empty' };
  const plain = fullPlain;
  const bodyText = body.text;
  if (ASKS_BACK.test(plain)) {
    return ambiguousResult(answerType, 'the reply asks which reading was meant');
  }
  const statements = findStatements(plain, answerType).sort((a, b) => a.position - b.position);
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
