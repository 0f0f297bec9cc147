import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { ANSWER_TYPES, type AnswerType } from '../../shared/core-types.js';

/**
 * The realistic-reply corpus: hand-written replies in the manners of real chat models, one YAML file per answer
 * type under test/fixtures/replies/, each case with the answer a careful reader of the reply alone would take.
 *
 * Terminology:
 * - case:   one reply with its `expected` canonical answer, or null when the reply commits to no single answer.
 * - trap:   a case whose reply names several candidates (or is cut off holding one); `expected` is null and any
 *           answer read from it is a failure, however the rest of the corpus scores.
 * - match:  the extractor read `expected` exactly (or read nothing where `expected` is null).
 */

export const REPLY_CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replies');

/**
 * The held-out corpus: the same schema, written apart from the extractor and the development corpus, so its score
 * estimates how extraction does on replies nobody tuned it for.
 */
export const HELDOUT_REPLY_CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replies-heldout');
/** A third corpus, written blind after the extractor was built on the other two: a measurement, not a tuning set. */
export const BLIND_REPLY_CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replies-blind');

/** Style tags of the corpus; a case with any other tag is rejected so typos do not create one-case styles. */
export const REPLY_STYLES = [
  'terse', 'chatty', 'markdown', 'latex', 'think', 'restated', 'quoted', 'listed-then-joined', 'multilingual-number',
  'refusal', 'hedge', 'either-or', 'truncated', 'self-correction', 'non-english', 'implicit', 'unmarked',
  // Found while writing the corpus: structured-output replies, answers followed by contrasting mentions, prompt
  // echoes, few-shot run-on continuations, number lists and ranges, Arena-Hard style [[A>B]] labels.
  'json', 'distractor', 'echo', 'run-on', 'list', 'range', 'scale',
] as const;
export type ReplyStyle = (typeof REPLY_STYLES)[number];

/** Canonical `expected` forms per answer type, so a fixture cannot hold an answer no extractor should return. */
const CANONICAL: Readonly<Record<AnswerType, (answer: string) => boolean>> = {
  letters: (a) => /^[a-z]+$/.test(a),
  'yes-no': (a) => a === 'yes' || a === 'no',
  number: (a) => /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/.test(a) && a !== '-0',
  text: (a) => a === a.toLowerCase() && a === a.trim() && !/\s{2}/.test(a) && !/[.!?,;:]$/.test(a) && !/^["'“‘«]|["'”’»]$/.test(a),
  verdict: (a) => a === 'A' || a === 'B' || a === 'tie',
  option: (a) => /^[A-Z]$/.test(a),
};

const caseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    style: z.enum(REPLY_STYLES),
    question: z.string().min(1),
    reply: z.string(),
    expected: z.string().min(1).nullable(),
    trap: z.boolean(),
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => !c.trap || c.expected === null, { error: 'a trap case must expect null' });

export interface ReplyCase {
  id: string;
  answerType: AnswerType;
  style: ReplyStyle;
  question: string;
  reply: string;
  expected: string | null;
  trap: boolean;
}

/** Reads and validates every `<answer-type>.yaml` in `dir`; throws naming the file and case on the first problem. */
export function loadReplyCorpus(dir: string = REPLY_CORPUS_DIR): ReplyCase[] {
  const cases: ReplyCase[] = [];
  const seen = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const answerType = ANSWER_TYPES.find((t) => t === basename(file, '.yaml'));
    if (answerType === undefined) throw new Error(`${file}: not named after an answer type (${ANSWER_TYPES.join(', ')})`);
    const parsed: unknown = parse(readFileSync(join(dir, file), 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${file}: expected a YAML list of cases`);
    parsed.forEach((raw: unknown, index) => {
      const result = caseSchema.safeParse(raw);
      if (!result.success) throw new Error(`${file} case #${index + 1}: ${z.prettifyError(result.error)}`);
      const c = result.data;
      if (seen.has(c.id)) throw new Error(`${file}: duplicate id ${c.id}`);
      seen.add(c.id);
      if (c.expected !== null && !CANONICAL[answerType](c.expected)) {
        throw new Error(`${file} ${c.id}: expected "${c.expected}" is not in the canonical ${answerType} form`);
      }
      cases.push({ id: c.id, answerType, style: c.style, question: c.question, reply: c.reply, expected: c.expected, trap: c.trap });
    });
  }
  return cases;
}

/** What the scorer needs from an extractor: extractAnswer's result, minus its diagnostics. */
export type ReplyExtractor = (text: string, answerType: AnswerType) => { readonly ok: true; readonly answer: string } | { readonly ok: false };

export interface Tally {
  cases: number;
  matches: number;
}

export interface ReplyMiss {
  id: string;
  answerType: AnswerType;
  style: ReplyStyle;
  trap: boolean;
  expected: string | null;
  /** The answer read, or null when the extractor read none. */
  got: string | null;
}

export interface ReplyCorpusScore {
  total: Tally;
  traps: number;
  /** Share of matching cases, 0..1. */
  rate: number;
  byType: Map<AnswerType, Tally>;
  byStyle: Map<ReplyStyle, Tally>;
  misses: ReplyMiss[];
  /** Trap cases the extractor read an answer from (a subset of `misses`). */
  trapFailures: ReplyMiss[];
}

function bump(tallies: Map<string, Tally>, key: string, matched: boolean): void {
  const t = tallies.get(key) ?? { cases: 0, matches: 0 };
  t.cases += 1;
  if (matched) t.matches += 1;
  tallies.set(key, t);
}

/** Runs `extract` over every case and tallies matches per answer type and per style. Pure apart from `extract`. */
export function scoreReplyCorpus(extract: ReplyExtractor, cases: readonly ReplyCase[] = loadReplyCorpus()): ReplyCorpusScore {
  const byType = new Map<AnswerType, Tally>();
  const byStyle = new Map<ReplyStyle, Tally>();
  const misses: ReplyMiss[] = [];
  let matches = 0;
  for (const c of cases) {
    const result = extract(c.reply, c.answerType);
    const got = result.ok ? result.answer : null;
    const matched = got === c.expected;
    if (matched) matches += 1;
    else misses.push({ id: c.id, answerType: c.answerType, style: c.style, trap: c.trap, expected: c.expected, got });
    bump(byType, c.answerType, matched);
    bump(byStyle, c.style, matched);
  }
  return {
    total: { cases: cases.length, matches },
    traps: cases.filter((c) => c.trap).length,
    rate: cases.length === 0 ? 0 : matches / cases.length,
    byType,
    byStyle,
    misses,
    trapFailures: misses.filter((m) => m.trap && m.got !== null),
  };
}

function tallyRows(title: string, tallies: ReadonlyMap<string, Tally>): string[] {
  const rows = [...tallies].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  const line = (k: string, t: Tally): string =>
    `${k.padEnd(width)}  ${String(t.matches).padStart(4)}/${String(t.cases).padEnd(4)} ${((100 * t.matches) / t.cases).toFixed(1).padStart(5)}%`;
  return [title.padEnd(width) + '  matched', ...rows.map(([k, t]) => line(k, t))];
}

const show = (answer: string | null): string => (answer === null ? 'null' : JSON.stringify(answer));

/** The score as plain-text tables (per answer type, per style) and the list of misses, for test output. */
export function formatReplyCorpusScore(score: ReplyCorpusScore): string {
  const { total } = score;
  return [
    `reply corpus: ${total.matches}/${total.cases} matched (${(100 * score.rate).toFixed(1)}%), ` +
      `${score.traps} traps, ${score.trapFailures.length} trap failures`,
    '',
    ...tallyRows('answer type', score.byType),
    '',
    ...tallyRows('style', score.byStyle),
    '',
    `misses (${score.misses.length}):`,
    ...score.misses.map((m) => `  ${m.trap ? '[trap] ' : ''}${m.id}: expected ${show(m.expected)}, got ${show(m.got)}`),
  ].join('\n');
}
