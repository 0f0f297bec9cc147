import { acceptChance, nextCountStates, type VoteCounts } from './accept-chance.js';
import { majorityVote } from './majority-vote.js';

/**
 * Adaptive self-consistency, the pure part. Terms:
 * - answers: the normalised answers of the samples drawn so far, in sample-index order (null = no extractable answer);
 * - remaining: samples that may still be drawn before the item's maximum (`sampling.samples`);
 * - leader / runner-up: the answers with the most and second most votes.
 */
export const STOPPING_RULES = ['beta', 'window'] as const;
export type StoppingRule = (typeof STOPPING_RULES)[number];

/**
 * Sampling policy of an adaptive run (run spec `sampling.adaptive`, defaults filled in). `rejectBelow`: stop an item
 * as undecidable once the posterior predictive chance that its vote can still accept by the maximum
 * ({@link acceptChance}) falls below it; absent or 0: only the deterministic early rejection.
 */
export type AdaptivePolicy = { minSamples: number; roundSize?: number; rejectBelow?: number } & (
  | { rule: 'beta'; confidence: number }
  | { rule: 'window'; window: number }
);

/** What decides, besides the rule, whether stopping now would accept: the vote's minAgreement, or null for USC (which always selects). */
export type Acceptance = { minAgreement: number } | null;

export type StopDecision = 'continue' | 'decided' | 'undecidable';

export interface StopVerdict {
  decision: StopDecision;
  /** Why, in words that go into the item's provenance (e.g. `beta P=0.969 >= 0.95 after 4`). */
  why: string;
}

// The same tolerance as the vote, so an early rejection never disagrees with the vote at the boundary.
const EPSILON = 1e-9;

/**
 * The Adaptive-Consistency stopping criterion (Aggarwal et al. 2023): with `a` votes for the leader and `b` for the
 * runner-up and a uniform Beta prior, the posterior probability that the leader's share exceeds the runner-up's,
 * P = ∫_{1/2}^{1} x^a (1-x)^b dx / ∫_0^1 x^a (1-x)^b dx. For integer counts it is the binomial sum
 * Σ_{j=0}^{a} C(a+b+1, j) / 2^(a+b+1), computed exactly in integers and divided once.
 */
export function betaConfidence(a: number, b: number): number {
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) throw new RangeError(`vote counts must be non-negative integers, got ${a} and ${b}`);
  const n = a + b + 1;
  let favourable = 0n;
  // C(n, j) for j = 0..a, each from the one before: C(n, j + 1) = C(n, j) (n - j) / (j + 1), exact in integers.
  for (let j = 0, binomial = 1n; j <= a; binomial = (binomial * BigInt(n - j)) / BigInt(j + 1), j++) favourable += binomial;
  return Number(favourable) / 2 ** n;
}

/** Vote counts of the distinct extractable answers, most first (ties by answer, as in the vote). */
function counts(answers: readonly (string | null)[]): { answer: string; count: number }[] {
  return majorityVote(answers, 0).votes;
}

function voteCounts(answers: readonly (string | null)[]): VoteCounts {
  const votes = counts(answers).map((vote) => vote.count);
  return { counts: votes, unanswered: answers.length - votes.reduce((sum, c) => sum + c, 0) };
}

const round3 = (x: number): string => String(Math.floor(x * 1000) / 1000);

/** Whether the policy's rule alone is satisfied by these answers, and a few words on why (for provenance). */
export function ruleCheck(policy: AdaptivePolicy, answers: readonly (string | null)[]): { met: boolean; detail: string } {
  if (policy.rule === 'beta') {
    const [leader, runnerUp] = counts(answers);
    const a = leader?.count ?? 0;
    const b = runnerUp?.count ?? 0;
    const p = betaConfidence(a, b);
    // Rounded down for display so a shown "0.95" never hides a P just below the threshold.
    return { met: a > b && p >= policy.confidence - EPSILON, detail: `beta P=${round3(p)} ${p >= policy.confidence - EPSILON ? '>=' : '<'} ${policy.confidence} (${a} vs ${b})` };
  }
  const last = answers.slice(-policy.window);
  const first = last[0];
  const unanimous = last.length === policy.window && first !== null && first !== undefined && first !== '' && last.every((answer) => answer === first);
  return { met: unanimous, detail: unanimous ? `window: the last ${policy.window} samples all say '${first}'` : `window: the last ${policy.window} samples are not unanimous` };
}

/**
 * After a round: stop and accept (`decided`), stop and reject (`undecidable`), or go on. Decided: the rule is met
 * after at least `minSamples` and the vote over the drawn samples would accept — or, under a vote, the vote is
 * already settled: whatever the remaining samples say, the vote over all of them would accept the leader. Undecidable:
 * even if every remaining sample agreed with the leader, it could not reach minAgreement of the most samples the item
 * could have. The two certainties stop an item where the full-budget vote's outcome is already fixed, whatever
 * `minSamples`; only the rule changes how strict curation is. With `rejectBelow`, also undecidable (checked before the
 * rule): the chance that the full-budget vote could still accept is below it. Pure: the same answers always give the
 * same verdict, so a resumed item stops where it stopped before.
 */
export function decideStop(policy: AdaptivePolicy, answers: readonly (string | null)[], remaining: number, acceptance: Acceptance): StopVerdict {
  const drawn = answers.length;
  if (acceptance !== null) {
    const [leader, runnerUp] = counts(answers);
    const lead = leader?.count ?? 0;
    const total = drawn + remaining;
    const needed = acceptance.minAgreement * total - EPSILON;
    // Agreement only gets easier with more samples (each may join the leader), so the full budget is the last chance.
    if (lead + remaining < needed) {
      const who = leader === undefined ? 'any answer' : `'${leader.answer}'`;
      return {
        decision: 'undecidable',
        why: `undecidable after ${drawn}: even if the remaining ${remaining} agreed with ${who}, it would have ${lead + remaining} of ${total}, below minAgreement ${acceptance.minAgreement}`,
      };
    }
    // Settled: the leader keeps minAgreement and its strict lead even if every remaining sample goes to the runner-up.
    if (leader !== undefined && lead >= needed && (runnerUp?.count ?? 0) + remaining < lead) {
      return { decision: 'decided', why: `settled after ${drawn}: '${leader.answer}' has ${lead} of ${total} whatever the remaining ${remaining} say` };
    }
    const rejectBelow = policy.rejectBelow ?? 0;
    if (rejectBelow > 0) {
      const chance = acceptChance(voteCounts(answers), remaining, Math.ceil(needed));
      // Before the rule: an answer that leads now but would likely fall short of the full-budget vote is not taken.
      if (chance < rejectBelow) return { decision: 'undecidable', why: `undecidable after ${drawn}: P(accept by ${total})=${round3(chance)} < ${rejectBelow}` };
    }
  }
  if (drawn < policy.minSamples) return { decision: 'continue', why: `fewer than minSamples ${policy.minSamples}` };
  const rule = ruleCheck(policy, answers);
  if (!rule.met) return { decision: 'continue', why: rule.detail };
  if (acceptance !== null && majorityVote(answers, acceptance.minAgreement).decision.status !== 'accepted') {
    return { decision: 'continue', why: `${rule.detail}, but the vote over ${drawn} would not accept yet` };
  }
  return { decision: 'decided', why: `${rule.detail} after ${drawn}` };
}

/** An answer none of `answers` has: the stand-in for "a sample gives an answer not seen yet". */
function freshAnswer(answers: readonly (string | null)[]): string {
  let fresh = '\u0000new';
  while (answers.includes(fresh)) fresh += '\u0000';
  return fresh;
}

/** More reachable vote-count states than this in one look-ahead step: the round ends there rather than enumerate them. */
const MAX_LOOKAHEAD_STATES = 20_000;

/**
 * How many samples the next round draws. With `roundSize` set: that many (the first round at least `minSamples`).
 * Otherwise the fewest after which the verdict could change — the rule could be met if they all gave one answer, the
 * item could become undecidable if none of them had an answer, or (with `rejectBelow`) some way the samples could
 * fall, over every reachable vote count, would take the acceptance chance below it — so the item stops at exactly the
 * sample where drawing one at a time would have stopped, in as few rounds (requests) as that allows. Never more than
 * `remaining`.
 */
export function nextRoundSize(policy: AdaptivePolicy, answers: readonly (string | null)[], remaining: number, acceptance: Acceptance): number {
  if (remaining <= 0) return 0;
  const drawn = answers.length;
  if (policy.roundSize !== undefined) {
    return Math.min(remaining, drawn === 0 ? Math.max(policy.minSamples, policy.roundSize) : policy.roundSize);
  }
  const candidates: (string | null)[] = [...counts(answers).map((vote) => vote.answer), freshAnswer(answers)];
  const rejectBelow = acceptance === null ? 0 : (policy.rejectBelow ?? 0);
  const need = acceptance === null ? 0 : Math.ceil(acceptance.minAgreement * (drawn + remaining) - EPSILON);
  let reachable: VoteCounts[] | null = [voteCounts(answers)];
  for (let r = 1; r < remaining; r++) {
    // Every count state r samples can reach, for the probabilistic rejection (answers are interchangeable in it).
    if (rejectBelow > 0) reachable = reachable === null ? null : nextCountStates(reachable, MAX_LOOKAHEAD_STATES);
    if (drawn + r < policy.minSamples) continue;
    const after = remaining - r;
    const missing: (string | null)[] = [...answers, ...Array<null>(r).fill(null)];
    if (decideStop(policy, missing, after, acceptance).decision !== 'continue') return r;
    for (const candidate of candidates) {
      const agreeing = [...answers, ...Array<string | null>(r).fill(candidate)];
      if (decideStop(policy, agreeing, after, acceptance).decision !== 'continue') return r;
    }
    if (rejectBelow > 0) {
      // Too many states to check: stopping the round here is always safe (the verdict is asked after every round).
      if (reachable === null) return r;
      if (reachable.some((state) => acceptChance(state, after, need) < rejectBelow)) return r;
    }
  }
  return remaining;
}

/** The smallest number of samples that could ever satisfy the rule (all agreeing), or null if `max` is too few. */
export function fewestToDecide(policy: AdaptivePolicy, max: number): number | null {
  for (let n = Math.max(1, policy.minSamples); n <= max; n++) {
    if (ruleCheck(policy, Array<string>(n).fill('a')).met) return n;
  }
  return null;
}
