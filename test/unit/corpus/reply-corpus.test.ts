import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatReplyCorpusScore, loadReplyCorpus, scoreReplyCorpus, type ReplyCase } from '../../helpers/reply-corpus.js';

const dirs: string[] = [];
function corpusDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reply-corpus-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const lettersCase = (id: string, expected: string, extra = ''): string =>
  `- id: ${id}\n  style: terse\n  question: q\n  reply: r\n  expected: ${expected}\n  trap: false\n${extra}`;

describe('reply corpus loading', () => {
  it('loads the shipped corpus with unique ids and traps that expect null', () => {
    const cases = loadReplyCorpus();
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.filter((c) => c.trap && c.expected !== null)).toEqual([]);
    expect(new Set(cases.map((c) => c.answerType))).toEqual(new Set(['letters', 'yes-no', 'number', 'text', 'verdict', 'option']));
  });

  it('rejects a duplicate id, naming it', () => {
    const dir = corpusDir({ 'letters.yaml': lettersCase('x-1', '"ab"') + lettersCase('x-1', '"cd"') });
    expect(() => loadReplyCorpus(dir)).toThrow(/duplicate id x-1/);
  });

  it('rejects a trap that expects an answer', () => {
    const dir = corpusDir({ 'letters.yaml': lettersCase('x-1', '"ab"').replace('trap: false', 'trap: true') });
    expect(() => loadReplyCorpus(dir)).toThrow(/trap case must expect null/);
  });

  it('rejects an unknown style and a non-canonical expected answer', () => {
    expect(() => loadReplyCorpus(corpusDir({ 'letters.yaml': lettersCase('x-1', '"ab"').replace('terse', 'tersely') }))).toThrow(/case #1/);
    expect(() => loadReplyCorpus(corpusDir({ 'number.yaml': lettersCase('n-1', '"1,234"') }))).toThrow(/canonical number form/);
    expect(() => loadReplyCorpus(corpusDir({ 'letters.yaml': lettersCase('x-1', '"A B"') }))).toThrow(/canonical letters form/);
  });

  it('rejects a file not named after an answer type', () => {
    expect(() => loadReplyCorpus(corpusDir({ 'digits.yaml': lettersCase('x-1', '"ab"') }))).toThrow(/not named after an answer type/);
  });
});

describe('reply corpus scoring', () => {
  const cases: ReplyCase[] = [
    { id: 'a', answerType: 'letters', style: 'terse', question: 'q', reply: 'ab', expected: 'ab', trap: false },
    { id: 'b', answerType: 'letters', style: 'hedge', question: 'q', reply: 'ab or ba', expected: null, trap: true },
    { id: 'c', answerType: 'number', style: 'truncated', question: 'q', reply: 'So', expected: null, trap: false },
    { id: 'd', answerType: 'number', style: 'terse', question: 'q', reply: '12', expected: '12', trap: false },
  ];

  it('counts an oracle as a full match', () => {
    const score = scoreReplyCorpus((text) => {
      const c = cases.find((x) => x.reply === text);
      return c?.expected == null ? { ok: false } : { ok: true, answer: c.expected };
    }, cases);
    expect(score.rate).toBe(1);
    expect(score.misses).toEqual([]);
    expect(score.traps).toBe(1);
  });

  it('reports misses and trap failures of an extractor that always answers the reply text', () => {
    const score = scoreReplyCorpus((text) => ({ ok: true, answer: text }), cases);
    expect(score.total).toEqual({ cases: 4, matches: 2 });
    expect(score.misses.map((m) => [m.id, m.got])).toEqual([['b', 'ab or ba'], ['c', 'So']]);
    expect(score.trapFailures.map((m) => m.id)).toEqual(['b']);
    expect(score.byType.get('number')).toEqual({ cases: 2, matches: 1 });
    expect(score.byStyle.get('hedge')).toEqual({ cases: 1, matches: 0 });
    expect(formatReplyCorpusScore(score)).toMatch(/\[trap\] b: expected null, got "ab or ba"/);
  });
});
