/**
 * The simulator's own reading of the responses shown to a Universal Self-Consistency call: what each concludes, as
 * a short comparable string. The simulator needs it to know which response carries the majority answer, the way a
 * model reading the responses would. Deliberately simple (the replies it reads are mostly its own); null when a
 * response never settles.
 *
 * Like a reader who first sees what kind of answer the responses give, it decides the kind across all of them:
 * yes/no when most responses say yes or no, a number when most conclude with one, otherwise a short text — the
 * last answer a response sets off (\boxed{}, "#### n", an "answer is / answer:" label, bold, quotes) unless a
 * concluding sentence after it says more ("…, so we get htr.").
 */

const THINK = /<think>[\s\S]*?<\/think>/giu;
const MARKED: readonly RegExp[] = [
  /\\boxed\{([^{}]{1,60})\}/gu,
  /^#{4}\s*(.{1,60})$/gmu,
  /\banswer\s*(?:is\s*:?|:)\s*\**\s*([^\n*]{1,60}?)\s*\**\s*(?:\.(?=\s|$)|$|\n)/gimu,
  /\*\*([^*\n]{1,60})\*\*/gu,
  /"([^"\n]{1,60})"/gu,
];
const YES_NO: readonly RegExp[] = [
  // "Yes, you're right." agrees with the asker; it does not answer a yes/no question.
  /(?:^|[.!?]\s+|\n)[*_\s]*(yes|no)\b(?![*_]*,?\s+you\b)/giu,
  /\banswer\s*(?:is\s*:?|:)\s*[*_"\s]*(yes|no)\b/giu,
  /\*\*(yes|no)\*\*/giu,
];
const NUMBER = /-?\d[\d,]*(?:\.\d+)?/gu;
/** Sentences that are conversation, not conclusion ("I hope this helps!"). */
const CHIT_CHAT = /\b(?:hope (?:this|that) helps|let me know|feel free|happy to|any other questions?|double-check anything)\b/iu;
/** Words after which a concluding sentence states its answer: "is", "by", "get", a colon... */
const LEAD = /(?:\b(?:is|are|by|get|gives?(?: (?:us|you|me))?|form|spells?(?: out)?|makes?|leaves?|comes? to|up with|left with)\b|[:=→])\s*/giu;
/** A closing sentence that declines to choose. */
const HEDGE = /\b(?:not (?:sure|certain|confident)|can(?:'|no)t say|somewhere between|might also be|either\b.+\bor\b)/iu;

/** A short answer text in comparable form: no markup or closing punctuation, lower case, numbers without commas. */
export function normaliseStated(raw: string): string {
  const text = raw
    // LaTeX wrappers around a result: $\boxed{42}$, \(42\).
    .replace(/\\boxed\{([^{}]*)\}/gu, '$1')
    .replace(/\\[()[\]]|\$(?!\d)/gu, '')
    .replace(/[*_`"\u201c\u201d]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[.!?,;:]+$/u, '')
    .trim()
    .toLowerCase()
    .replace(/^the\s+/u, '');
  const number = /^\\?\$?\s*(-?\d[\d,]*(?:\.\d+)?)(?![\d.])/u.exec(text)?.[1];
  return number === undefined ? text : String(Number(number.replace(/,/gu, '')));
}

/** The response without its scratchpad; null when it never concludes (cut off inside <think>, or a hedge). */
function visible(response: string): string | null {
  const text = response.replace(THINK, '').trim();
  if (text === '' || /<think>/iu.test(text)) return null;
  const closing = lastSentence(text);
  return closing !== null && HEDGE.test(closing.text) ? null : text;
}

function lastOf(text: string, patterns: readonly RegExp[]): { at: number; value: string } | null {
  let best: { at: number; value: string } | null = null;
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const value = match[1] ?? '';
      // A bold label ("**Answer:**", "**Step 1:**") introduces an answer; it is not one.
      if (value.trim() === '' || /:\s*$/u.test(value)) continue;
      const at = match.index + match[0].length;
      if (best === null || at >= best.at) best = { at, value };
    }
  }
  return best;
}

/** The last sentence that is not chit-chat, with where it starts. */
function lastSentence(text: string): { at: number; text: string } | null {
  let found: { at: number; text: string } | null = null;
  for (const match of text.matchAll(/[^.!?\n]+(?:[.!?]+|$)/gmu)) {
    const sentence = match[0].trim();
    if (sentence !== '' && !CHIT_CHAT.test(sentence)) found = { at: match.index, text: sentence };
  }
  return found;
}

function sentenceTail(sentence: string): string | null {
  const leads = [...sentence.matchAll(LEAD)];
  const last = leads.at(-1);
  if (last === undefined) return null;
  const tail = sentence.slice(last.index + last[0].length);
  return normaliseStated(tail) || null;
}

function readText(text: string): string | null {
  const marked = lastOf(text, MARKED);
  const sentence = lastSentence(text);
  // A concluding sentence after the last marked span, stating something, outranks it.
  if (sentence !== null && (marked === null || sentence.at >= marked.at)) {
    const tail = sentenceTail(sentence.text);
    if (tail !== null) return tail;
  }
  if (marked !== null) return normaliseStated(marked.value) || null;
  if (sentence === null) return null;
  // A bare short reply ("Buenos Aires.", "yeids (the last letters, in order)") is its own answer, asides dropped;
  // else the number it ends on; else its last word.
  const plain = sentence.text.replace(/\s*\([^)]*\)/gu, '');
  const words = plain.split(/\s+/u);
  const number = /(-?\$?\d[\d,]*(?:\.\d+)?)\W*$/u.exec(plain)?.[1];
  return normaliseStated(words.length <= 3 ? plain : (number ?? words.at(-1) ?? '')) || null;
}

function readYesNo(text: string): string | null {
  return lastOf(text, YES_NO)?.value.toLowerCase() ?? null;
}

function readNumber(text: string): string | null {
  const marked = lastOf(text, MARKED.slice(0, 3));
  const source = marked === null ? text : marked.value;
  const last = source.match(NUMBER)?.at(-1);
  return last === undefined ? null : normaliseStated(last);
}

/** What each response concludes (normalised), in order; null for a response that concludes nothing. */
export function readUscAnswers(responses: readonly string[]): (string | null)[] {
  const texts = responses.map(visible);
  const concluding = texts.filter((t) => t !== null);
  const most = (test: (text: string) => boolean): boolean => concluding.filter(test).length * 2 > concluding.length;
  if (most((t) => readYesNo(t) !== null)) return texts.map((t) => (t === null ? null : readYesNo(t)));
  if (most((t) => /^-?\d/u.test(readText(t) ?? ''))) return texts.map((t) => (t === null ? null : readNumber(t)));
  return texts.map((t) => (t === null ? null : readText(t)));
}
