import { beforeAll, describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { formatReplyCorpusScore, loadReplyCorpus, scoreReplyCorpus, type ReplyCase, type ReplyCorpusScore } from '../../helpers/reply-corpus.js';

// The corpus is written from how chat models answer, not from the extractor's patterns; see test/helpers/reply-corpus.ts.
const MIN_MATCH_RATE = 0.99;
const MIN_CASES = 400;
const MIN_TRAPS = 60;

describe('answer extraction on realistic replies', () => {
  let cases: ReplyCase[];
  let score: ReplyCorpusScore;

  beforeAll(() => {
    cases = loadReplyCorpus();
    score = scoreReplyCorpus(extractAnswer, cases);
    // Printed whatever the assertions say, so the figures can be quoted.
    console.log(formatReplyCorpusScore(score));
  });

  it('has a corpus big enough to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
    expect(cases.filter((c) => c.trap).length).toBeGreaterThanOrEqual(MIN_TRAPS);
  });

  it('reads no answer from any ambiguity trap', () => {
    expect(score.trapFailures.map((m) => `${m.id} read ${JSON.stringify(m.got)}`)).toEqual([]);
  });

  it(`matches the expected answer on at least ${MIN_MATCH_RATE * 100}% of replies`, () => {
    expect(score.rate, `${score.misses.length} misses, see the table above`).toBeGreaterThanOrEqual(MIN_MATCH_RATE);
  });
});
