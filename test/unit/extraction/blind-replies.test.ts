import { describe, expect, it } from 'vitest';
import { extractAnswer } from '../../../shared/extraction/extract-answer.js';
import { BLIND_REPLY_CORPUS_DIR, formatReplyCorpusScore, loadReplyCorpus, scoreReplyCorpus } from '../../helpers/reply-corpus.js';

/**
 * The blind corpus was written after the extractor had been built on the other two, by an author who saw neither;
 * its first reading was 171/210 (81.4%) with 7 trap votes. It is a measurement: the floor guards against
 * regressions, it is not a target to tune to.
 */
const BLIND_MATCH_FLOOR = 0.88;

/**
 * Trap votes known and accepted, each with why. Any other trap vote fails.
 * - number-024 ("Each spider has 8 legs" to a question about insects) and yes-no-021 ("Nope" → no): the reply does
 *   commit to that answer; the corpus marks them null by a stricter reading.
 * - number-058 and yes-no-027: replies cut off by the token limit right after a plausible answer; only the
 *   response's `finish_reason` can tell, and the extractor sees text alone.
 */
const KNOWN_TRAP_VOTES = ['bl-number-024', 'bl-yes-no-021', 'bl-number-058', 'bl-yes-no-027'];

describe('answer extraction on the blind reply corpus', () => {
  const cases = loadReplyCorpus(BLIND_REPLY_CORPUS_DIR);
  const score = scoreReplyCorpus((text, answerType) => extractAnswer(text, answerType), cases);

  it(`casts no unknown trap vote and matches at least ${BLIND_MATCH_FLOOR * 100}% of cases`, () => {
    console.log(formatReplyCorpusScore(score));
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(score.trapFailures.map((miss) => miss.id).filter((id) => !KNOWN_TRAP_VOTES.includes(id))).toEqual([]);
    expect(score.rate).toBeGreaterThanOrEqual(BLIND_MATCH_FLOOR);
  });
});
