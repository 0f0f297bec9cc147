/** Reading the BSM steps' replies: criteria from the branch step, two 1-5 scores from a solve step. Pure. */

/**
 * The criteria of a branch reply: numbered or bulleted lines ("1. Accuracy: …", "- **Clarity** – …"), at most
 * `max`, duplicates dropped. A reply with no list at all gives its non-empty lines instead, so a model that simply
 * writes one criterion per line still counts. Lines that introduce the list ("Here are the criteria:") are skipped.
 */
export function parseCriteria(reply: string, max: number): string[] {
  const lines = reply.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const listed = lines.filter((line) => /^(?:\d+[.)]|[-*•])\s+\S/u.test(line));
  const candidates = (listed.length > 0 ? listed : lines.filter((line) => !/:\s*$/u.test(line)))
    .map((line) => line.replace(/^(?:\d+[.)]|[-*•])\s+/u, '').replace(/\*\*|__/g, '').trim())
    .filter((line) => line.length > 1);
  const seen = new Set<string>();
  const criteria: string[] = [];
  for (const criterion of candidates) {
    const key = criterion.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    criteria.push(criterion);
    if (criteria.length === max) break;
  }
  return criteria;
}

export interface PairScores {
  a: number;
  b: number;
}

const SCORE = String.raw`([1-5](?:\.\d+)?)(?:\s*(?:\/\s*5|out\s+of\s+5))?`;
// "Score A: 4", "Response B: 3/5", "Assistant A's score = 4", "A: 5", "score for response B - 2".
const LABELLED = new RegExp(
  String.raw`(?:^|[^A-Za-z])(?:score\s+(?:for\s+)?)?(?:(?:response|answer|assistant|candidate)\s+)?\(?([AB])\)?(?:'s)?(?:\s+(?:score|rating|gets|receives|scores))?\s*(?:[:=\-–]|\bis\b)\s*\**\s*${SCORE}`,
  'giu',
);
// "[[4, 2]]", "Scores: 4 and 2", "4/5 vs 2/5".
const PAIRED = new RegExp(String.raw`\[\[\s*([1-5])\s*,\s*([1-5])\s*\]\]|scores?\s*[:=]?\s*${SCORE}\s*(?:,|and|vs\.?|-)\s*${SCORE}`, 'iu');

/**
 * The scores of A and B in a solve reply, robust to the usual formats; the LAST labelled score of each response
 * wins (a reply may discuss scores before settling). Null when either score is missing or outside 1-5.
 */
export function parsePairScores(reply: string): PairScores | null {
  const text = reply.replace(/\*\*|__/g, '');
  let a: number | undefined;
  let b: number | undefined;
  for (const match of text.matchAll(LABELLED)) {
    const value = Number(match[2]);
    if (match[1]?.toUpperCase() === 'A') a = value;
    else b = value;
  }
  if (a === undefined || b === undefined) {
    const paired = PAIRED.exec(text);
    if (paired !== null) {
      a = Number(paired[1] ?? paired[3]);
      b = Number(paired[2] ?? paired[4]);
    }
  }
  if (a === undefined || b === undefined || !inRange(a) || !inRange(b)) return null;
  return { a, b };
}

function inRange(score: number): boolean {
  return Number.isFinite(score) && score >= 1 && score <= 5;
}

/** Sum merge: the higher total wins; equal totals are a tie. */
export function sumMerge(scores: readonly PairScores[]): { verdict: 'A' | 'B' | 'tie'; totalA: number; totalB: number } {
  const totalA = scores.reduce((sum, s) => sum + s.a, 0);
  const totalB = scores.reduce((sum, s) => sum + s.b, 0);
  return { verdict: totalA > totalB ? 'A' : totalB > totalA ? 'B' : 'tie', totalA, totalB };
}
