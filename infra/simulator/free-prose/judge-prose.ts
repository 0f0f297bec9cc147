import type { Rng } from '../../../shared/random/seeded-random.js';

/**
 * Pairwise-judging replies in free prose: a verdict the way judge models write it — a sentence of reasoning, then
 * the bracketed verdict, or a labelled verdict without brackets. The verdict itself (A, B or C for a tie) is decided
 * by judge-replies.ts.
 */
type Verdict = 'A' | 'B' | 'C';

const REASONS = [
  'gives the more accurate answer',
  'answers the question more directly',
  'is more helpful and better follows the instructions',
  'is clearer and more complete',
] as const;

export function freeVerdict(verdict: Verdict, rng: Rng): string {
  const who = rng.pick(['Assistant', 'Response']);
  if (verdict === 'C') {
    return rng.pick([
      'Both responses are about equally good, so this is a tie. [[C]]',
      'After comparing them, neither response is clearly better than the other.\n\nVerdict: tie',
      "It's a tie: both answer the question to a similar standard. [[C]]",
      '**Final verdict:** [[C]]',
    ]);
  }
  const other = verdict === 'A' ? 'B' : 'A';
  const reason = rng.pick(REASONS);
  return rng.pick([
    `After weighing both, ${who} ${verdict} ${reason}. [[${verdict}]]`,
    `Verdict: ${who} ${verdict}`,
    `${who} ${other} is reasonable, but ${who} ${verdict} ${reason}.\n\nFinal verdict: [[${verdict}]]`,
    `**Final verdict:** [[${verdict}]]`,
    `${who} ${verdict} ${reason}, so I prefer ${who} ${verdict}.`,
    `[[${verdict}]]`,
  ]);
}

/** A BSM merge reply: the totals, then the verdict. */
export function freeMerge(totalA: number, totalB: number, verdict: Verdict, rng: Rng): string {
  const sums = `Summing the scores across all criteria, Response A totals ${totalA} and Response B totals ${totalB}.`;
  if (verdict === 'C') return `${sums} That's a tie overall.\n\n${rng.pick(['[[C]]', 'Final verdict: [[C]]'])}`;
  return `${sums} Response ${verdict} comes out ahead.\n\n${rng.pick([`[[${verdict}]]`, `Final verdict: [[${verdict}]]`, `**Verdict:** [[${verdict}]]`])}`;
}

/** A BSM solve reply's score lines, in the labelled forms judges use for a 1-5 scale. */
export function freeScores(a: number, b: number, comment: string, rng: Rng): string {
  return rng.pick([
    `${comment}\n\nResponse A: ${a}/5\nResponse B: ${b}/5`,
    `**Response A** – ${a} out of 5\n**Response B** – ${b} out of 5\n\n${comment}`,
    `${comment} Overall, Response A's score is ${a} and Response B's score is ${b}.`,
    `Scores:\n- Response A: ${a}\n- Response B: ${b}\n\n${comment}`,
  ]);
}

/** A BSM branch reply's criteria, bold names and all. */
export function freeCriteria(criteria: readonly string[], rng: Rng): string {
  const lines = criteria.map((c, i) => {
    const [name = c, ...rest] = c.split(': ');
    return `${i + 1}. **${name}**${rest.length > 0 ? ` – ${rest.join(': ')}` : ''}`;
  });
  return `${rng.pick(["Here are the criteria I'd use to evaluate the responses:", 'Good criteria for this question would be:', 'Sure! Key evaluation criteria:'])}\n\n${lines.join('\n')}`;
}
