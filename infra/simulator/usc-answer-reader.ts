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
  /(?:^|[.!?]\s+|\n)[*_\s]*(yes|no)\b/giu,
  /\banswer\s*(?:is\s*:?|:)\s*[*_"\s]*(yes|no)\b/giu,
  /\*\*(yes|no)\*\*/giu,
];
const NUMBER = /-?\d[\d,]*(?:\.\d+)?/gu;
/** Sentences that are conversation, not conclusion ("I hope this helps!"). */
const CHIT_CHAT = /\b(?:hope (?:this|that) helps|let me know|feel free|happy to|any other questions?|double-check anything)\b/iu;
/** Words after which a concluding sentence states its answer: "is", "by", "get", a colon... */
const LEAD = /(?:\b(?:is|are|by|get|gives?|form|spells?(?: out)?|makes?|leaves?)\b|[:=→])\s*/giu;

/** A short answer text in comparable form: no markup or closing punctuation, lower case, numbers without commas. */
export function normaliseStated(raw: string): string {
  const text = raw
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

function visible(response: string): string | null {
  const text = response.replace(THINK, '').trim();
  // An unclosed scratchpad is a reply cut off before it answered.
  return text === '' || /<think>/iu.test(text) ? null : text;
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
  for (const match of text.matchAll(/[^.!?\n]+(?:[.!?]+|$)/gu)) {
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
  // A bare short reply ("Buenos Aires.") is its own answer; otherwise the sentence's last word is the best guess.
  const words = sentence.text.split(/\s+/u);
  return normaliseStated(words.length <= 6 ? sentence.text : (words.at(-1) ?? '')) || null;
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
  const most = (test: (text: string) => boolean): boolean => texts.filter((t) => t !== null && test(t)).length * 2 > texts.length;
  if (most((t) => readYesNo(t) !== null)) return texts.map((t) => (t === null ? null : readYesNo(t)));
  if (most((t) => /^-?\d/u.test(readText(t) ?? ''))) return texts.map((t) => (t === null ? null : readNumber(t)));
  return texts.map((t) => (t === null ? null : readText(t)));
}
