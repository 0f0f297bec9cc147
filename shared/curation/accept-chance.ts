/**
 * The posterior predictive chance that an item's vote can still accept, the pure arithmetic behind probabilistic
 * early rejection. Exact up to floating-point rounding (closed-form Beta-binomial sums, no sampling), so the same
 * counts always give the same number and a resumed item stops where it stopped before.
 */

/**
 * P(X >= atLeast) for X ~ BetaBinomial(trials, alpha, beta): the chance that at least `atLeast` of `trials` further
 * samples go to a category whose share has a Beta(alpha, beta) posterior. pmf(0) = Π_{j<trials} (beta+j)/(alpha+beta+j)
 * and pmf(k+1) = pmf(k) · (trials-k)/(k+1) · (alpha+k)/(beta+trials-k-1).
 */
export function betaBinomialTail(trials: number, alpha: number, beta: number, atLeast: number): number {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`trials must be a non-negative integer, got ${trials}`);
  if (!(alpha > 0) || !(beta > 0)) throw new RangeError(`Beta parameters must be positive, got ${alpha} and ${beta}`);
  if (atLeast <= 0) return 1;
  if (atLeast > trials) return 0;
  let pmf = 1;
  for (let j = 0; j < trials; j++) pmf *= (beta + j) / (alpha + beta + j);
  let below = 0;
  // The lower part is summed and subtracted when it is the shorter one; both are sums of the same exact terms.
  for (let k = 0; k < atLeast; k++) {
    below += pmf;
    pmf *= ((trials - k) / (k + 1)) * ((alpha + k) / (beta + trials - k - 1));
  }
  let tail = 0;
  for (let k = atLeast; k <= trials; k++) {
    tail += pmf;
    if (k < trials) pmf *= ((trials - k) / (k + 1)) * ((alpha + k) / (beta + trials - k - 1));
  }
  // Both halves are computed so rounding errors stay in the smaller one: the tail is what is compared to thresholds.
  return Math.min(1, Math.max(0, below > tail ? tail : 1 - below));
}

/** Counts of an item's samples so far: votes per distinct extractable answer, and samples with no answer. */
export interface VoteCounts {
  counts: readonly number[];
  unanswered: number;
}

/**
 * The chance that some answer has at least `need` votes once `remaining` more samples are drawn (need = minAgreement
 * of the item's maximum: what the vote over all of them would need). Model: a uniform Dirichlet prior over the
 * answers seen so far, one category for "no extractable answer" and one for "an answer not seen yet"; each answer's
 * future votes are then Beta-binomial with its posterior marginal Beta(1 + c, K - 1 + n - c), K categories, n drawn.
 * The answers' chances are summed (an upper bound of the chance that one of them gets there: with minAgreement of at
 * least a half two answers can reach `need` together only in a tie), and the unseen category counts as one answer
 * (an upper bound for any single new answer). Capped at 1.
 */
export function acceptChance(votes: VoteCounts, remaining: number, need: number): number {
  const drawn = votes.counts.reduce((sum, c) => sum + c, 0) + votes.unanswered;
  const others = votes.counts.length + 1; // K - 1: every category but the one in question
  let chance = betaBinomialTail(remaining, 1, others + drawn, need);
  for (const c of votes.counts) {
    chance += betaBinomialTail(remaining, 1 + c, others + drawn - c, need - c);
    if (chance >= 1) return 1;
  }
  return Math.min(1, chance);
}

/**
 * Every vote-count state one more sample can lead to from any of `states`, each once (answers are interchangeable:
 * only the multiset of counts and the unanswered count matter), or null if there are more than `limit`.
 */
export function nextCountStates(states: readonly VoteCounts[], limit: number): VoteCounts[] | null {
  const key = (v: VoteCounts): string => `${[...v.counts].sort((a, b) => b - a).join(',')}|${v.unanswered}`;
  const next = new Map<string, VoteCounts>();
  for (const state of states) {
    const successors: VoteCounts[] = [
      { counts: state.counts, unanswered: state.unanswered + 1 },
      { counts: [...state.counts, 1], unanswered: state.unanswered },
    ];
    // One more vote for an existing answer: answers with equal counts lead to the same state.
    for (const c of new Set(state.counts)) {
      const at = state.counts.indexOf(c);
      successors.push({ counts: state.counts.map((x, i) => (i === at ? x + 1 : x)), unanswered: state.unanswered });
    }
    for (const successor of successors) next.set(key(successor), successor);
    if (next.size > limit) return null;
  }
  return [...next.values()];
}
