import type { Rng } from '../random/seeded-random.js';
import { resolveK, splitParagraphs, type GenerateOptions, type GeneratedTask, type TaskFamily } from './task-family.js';
import { COMMON_WORDS, FIRST_NAMES } from './word-lists.js';

/** Last-letter concatenation: the last letter of each of k words, in order, joined, lower-case. */
export interface LastLetterInstance {
  words: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Generation

/** Several wordings of the same question, in s2d's own words; `q` quotes each word, `list` is comma-separated. */
const TEMPLATES: readonly ((w: readonly string[]) => string)[] = [
  (w) => `Take the last letter of each word in "${w.join(' ')}" and join them together.`,
  (w) => `Concatenate the last letters of the following words: ${w.join(', ')}.`,
  (w) => `What string do you get by writing the final letter of each of ${quotedList(w)} in order?`,
  (w) => `Here are ${w.length} words: ${w.join(', ')}. Write down the last letter of each one, in order, as a single string.`,
  (w) => `Put together the last letters of the words in "${w.join(' ')}".`,
  (w) => `If you take the ending letter of every word in "${w.join(' ')}" and place them side by side, what do you get?`,
];

function quotedList(words: readonly string[]): string {
  const q = words.map((w) => `"${w}"`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1] ?? ''}`;
}

function generate(rng: Rng, options?: GenerateOptions): GeneratedTask<LastLetterInstance> {
  const k = resolveK(options);
  // The RaR study used first names; mixing in common words keeps the vocabulary from being one shape only.
  const pool = rng.chance(0.7) ? FIRST_NAMES : COMMON_WORDS;
  const words = rng.shuffle(pool).slice(0, Math.min(k, pool.length));
  while (words.length < k) words.push(rng.pick(pool));
  const instance = { words };
  return { prompt: rng.pick(TEMPLATES)(words), answer: solve(instance), instance };
}

function solve(instance: LastLetterInstance): string {
  return instance.words.map((w) => w.slice(-1).toLowerCase()).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Recognition: find the statement (a trigger phrase), then the words. Layouts, as people write them: a run of quoted
// words; a list after a colon (on the line, or one word per line below it); plain words right after "last letters
// of ..."; a run of words joined by commas / "and" anywhere in the statement ("Given the words north, violet and
// anchor, ..."); or, when the statement names no words, a list in the paragraph just below or just above it.

const TRIGGERS: readonly RegExp[] = [
  /\b(?:last|final|ending|end|closing|terminal|trailing)[\s-]+(?:letter|letters|character|characters|chars?)\b/i,
  /\bletters?\s+(?:that\s+)?(?:each|every)\s+(?:of\s+the\s+)?(?:words?|names?)\s+ends?\s+(?:with|in)\b/i,
];

/** Words that introduce or describe a list but are never items of it. Our vocabularies avoid all of them. */
const LEAD_IN = new Set(
  ('of in from for each every all the following these those given below listed above word words name names term ' +
    'terms its their them these this that with').split(' '),
);
/** Tokens that show a "list" is really a sentence (instructions, question) and not the words of the task. */
const NOT_AN_ITEM = new Set([
  ...LEAD_IN,
  ...('a an and or to is are be what which how you your take write put join concatenate combine answer question ' +
    'letter letters last final character characters then it do does not please string result output order one ' +
    'single together side by into as first second them they we our should must can could would will joined ' +
    'concatenated combined merged written placed using use lower upper case lowercase reply respond get ' +
    'concatenation joining combining spell spells form forms formed make makes made give gives find i have has ' +
    'here there alphabet sentence text word given three two four five six seven').split(' '),
]);
const LIST_END_VERBS =
  /^(?:concatenate|join|combine|put|place|write|glue|string|then|output|return|give|tell|form|make|merge|link|append|stick|and|so|to|in)$/i;
/** An item line of a vertical list: "north", "- north", "* north", "2. north", "3) north". */
const ITEM_LINE = /^\s*(?:[-*\u2022]|\d+[.)])?\s*([A-Za-z]+)\s*[.,;]?\s*$/;

interface Found {
  at: number;
  words: string[];
}

const isItem = (token: string): boolean => /^[A-Za-z]+$/.test(token) && !NOT_AN_ITEM.has(token.toLowerCase());

function tokensOfList(text: string): string[] | null {
  const tokens = text
    .split(/\s*(?:,|;|&|\+|\band\b)\s*|\s+/i)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (tokens.length === 0) return null;
  return tokens.every(isItem) ? tokens : null;
}

/** Every line an item ("north", "- north", "1. north"): a list written one word per line. */
function lineList(text: string): string[] | null {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const items = lines.map((line) => ITEM_LINE.exec(line)?.[1]);
  if (items.length === 0 || !items.every((item): item is string => item !== undefined && isItem(item))) return null;
  return items;
}

const QUOTED = /"([^"\n]*)"|\u201c([^\u201d\n]*)\u201d|(?<![A-Za-z])'([^'\n]*)'(?![A-Za-z])/g;
const BETWEEN_QUOTED = /^\s*(?:,|;|&|\+)?\s*(?:and|then|and then)?\s*$/i;

/** The first run of adjacent quoted word groups: `"Elon Musk"`, or `"Ann", "Bob" and "Cy"`. */
function findQuotedRun(text: string): Found | null {
  let run: Found | null = null;
  let lastEnd = 0;
  for (const m of text.matchAll(QUOTED)) {
    const inner = m[1] ?? m[2] ?? m[3] ?? '';
    // Quoted words are taken literally: inside quotes "and" is a word, not a separator.
    const tokens = inner.split(/[\s,]+/).filter((t) => t.length > 0);
    const valid = tokens.length > 0 && tokens.every((t) => /^[A-Za-z]+$/.test(t));
    if (run === null) {
      if (!valid) continue;
      run = { at: m.index, words: tokens };
    } else {
      if (!valid || !BETWEEN_QUOTED.test(text.slice(lastEnd, m.index))) break;
      run.words.push(...tokens);
    }
    lastEnd = m.index + m[0].length;
  }
  return run;
}

/** A list after a colon: `words: apple, river.` on the same line, or bullet / numbered / bare lines below it. */
function findColonList(text: string): Found | null {
  for (const m of text.matchAll(/:/g)) {
    const rest = text.slice(m.index + 1);
    const lineEnd = rest.indexOf('\n');
    const sameLine = (lineEnd === -1 ? rest : rest.slice(0, lineEnd)).trim();
    if (sameLine.length > 0) {
      const words = tokensOfList(sameLine.split(/[.?!]/)[0] ?? '');
      if (words) return { at: m.index, words };
      continue;
    }
    const items: string[] = [];
    for (const line of rest.slice(lineEnd + 1).split('\n')) {
      const item = ITEM_LINE.exec(line)?.[1];
      if (item === undefined || !isItem(item)) break;
      items.push(item);
    }
    if (items.length > 0) return { at: m.index, words: items };
  }
  return null;
}

/**
 * Plain words after the trigger: "the last letters of Elon and Musk and join them", "of north; violet; anchor". At
 * least two: one plain word after "the last letter of" is more often a noun ("of the alphabet") than a task.
 */
function findWordsAfterTrigger(text: string, triggerEnd: number): Found | null {
  const tokens = text.slice(triggerEnd).split(/(\s+|[,;]|[^A-Za-z\s,;]+)/);
  const words: string[] = [];
  let leading = true;
  for (const raw of tokens) {
    const t = raw.trim();
    if (t === '' || t === ',' || t === ';') continue;
    if (!/^[A-Za-z]+$/.test(t)) break; // punctuation, quotes, digits: the list (if any) is over
    const lower = t.toLowerCase();
    if (leading && LEAD_IN.has(lower)) continue;
    leading = false;
    if (lower === 'and' && words.length > 0) continue;
    if (LIST_END_VERBS.test(t) || NOT_AN_ITEM.has(lower)) break;
    words.push(t);
  }
  return words.length > 1 ? { at: triggerEnd, words } : null;
}

/**
 * Runs of two or more single words joined by commas, semicolons or "and": "north, violet and anchor". A run stands
 * as a list only where a list can stand: after a lead-in word ("of", "words") or punctuation, and before punctuation
 * or the end; so prose ("one after another, keeping the order") is not read as one.
 */
function findSeparatedRuns(text: string): Found[] {
  const runs: Found[] = [];
  const run = /[A-Za-z]+(?:\s*(?:,\s*(?:and\s+)?|;\s*|\s+and\s+)[A-Za-z]+)+/g;
  for (const m of text.matchAll(run)) {
    const parts = [...m[0].matchAll(/[A-Za-z]+/g)].map((w) => ({ word: w[0], at: m.index + w.index }));
    // "words, north, violet and anchor": describing words and the separators' "and" are not items.
    const items = parts.filter((p) => p.word.toLowerCase() !== 'and');
    let first = 0;
    while (first < items.length && !isItem(items[first]?.word ?? '')) first++;
    let last = first;
    while (last < items.length && isItem(items[last]?.word ?? '')) last++;
    const kept = items.slice(first, last);
    const start = kept[0];
    const end = kept.at(-1);
    if (kept.length < 2 || start === undefined || end === undefined) continue;
    const before = /([A-Za-z]+|\S)?\s*$/.exec(text.slice(0, start.at))?.[1];
    const opens = before === undefined || !/^[A-Za-z]+$/.test(before) || LEAD_IN.has(before.toLowerCase());
    const closes = /^\s*(?:[.,;:?!)]|$)/.test(text.slice(end.at + end.word.length));
    if (opens && closes) runs.push({ at: start.at, words: kept.map((p) => p.word) });
  }
  return runs;
}

function firstTrigger(text: string): { index: number; end: number } | null {
  let best: { index: number; end: number } | null = null;
  for (const re of TRIGGERS) {
    const m = re.exec(text);
    if (m && (best === null || m.index < best.index)) best = { index: m.index, end: m.index + m[0].length };
  }
  return best;
}

/** The words of a statement: the first list from the trigger on, else the nearest one before it. */
function wordsOfParagraph(paragraph: string, trigger: { index: number; end: number }): string[] | null {
  const found = [findQuotedRun(paragraph), findColonList(paragraph), findWordsAfterTrigger(paragraph, trigger.end), ...findSeparatedRuns(paragraph)]
    .filter((f): f is Found => f !== null)
    .sort((a, b) => a.at - b.at);
  const after = found.find((f) => f.at >= trigger.index);
  return (after ?? found.at(-1))?.words ?? null;
}

/** The words of a paragraph that is only a list: quoted words, a colon list, one per line, or "a, b and c". */
function bareList(paragraph: string | undefined): string[] | null {
  if (paragraph === undefined) return null;
  return (
    findQuotedRun(paragraph)?.words ??
    findColonList(paragraph)?.words ??
    lineList(paragraph) ??
    tokensOfList(paragraph.replace(/[.?!]\s*$/, ''))
  );
}

function recognise(text: string): LastLetterInstance | null {
  const paragraphs = splitParagraphs(text);
  for (let p = 0; p < paragraphs.length; p++) {
    const paragraph = paragraphs[p] ?? '';
    const trigger = firstTrigger(paragraph);
    if (!trigger) continue;
    const words = wordsOfParagraph(paragraph, trigger);
    if (words) return { words };
    // "Take the last letter of each word below." with the words as their own paragraph (or "... each word above").
    const near = bareList(paragraphs[p + 1]) ?? bareList(paragraphs[p - 1]);
    if (near) return { words: near };
  }
  return null;
}

export const lastLetterFamily: TaskFamily<LastLetterInstance> = Object.freeze({
  name: 'last-letter',
  answerType: 'letters',
  generate,
  recognise,
  solve,
});
