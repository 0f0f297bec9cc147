import { z } from 'zod';
import { betaConfidence, fewestToDecide, STOPPING_RULES, type AdaptivePolicy } from '../curation/stopping-rules.js';

/** Most samples any adaptive setting may name (the same bound as `sampling.samples`). */
const MAX = 64;

/** Default `rejectBelow`: chosen from the adaptive-sampling benchmark (docs/benchmarks.md). */
export const DEFAULT_REJECT_BELOW = 0.05;

/**
 * `sampling.adaptive: true`: the Beta criterion of Adaptive-Consistency at 0.95, after at least 3 samples, rejecting
 * early below a {@link DEFAULT_REJECT_BELOW} chance of acceptance.
 */
export const DEFAULT_ADAPTIVE_POLICY: Readonly<AdaptivePolicy> = Object.freeze({ rule: 'beta', confidence: 0.95, minSamples: 3, rejectBelow: DEFAULT_REJECT_BELOW });

const adaptiveObjectSchema = z
  .object({
    /**
     * `beta`: stop once the posterior probability that the leading answer beats the runner-up (uniform Beta prior
     * over their counts) reaches `confidence` (Adaptive-Consistency). `window`: stop once the last `window` samples
     * all give the same answer (Early-Stopping Self-Consistency). Default `beta`.
     */
    rule: z.enum(STOPPING_RULES).default('beta'),
    /** Rule `beta`: the probability to reach, above 0.5 and below 1. Default 0.95. */
    confidence: z.number().gt(0.5).lt(1).optional(),
    /** Rule `window`: how many of the last samples must agree, at least 2. Default 4. */
    window: z.number().int().min(2).max(MAX).optional(),
    /** Fewest samples drawn before the rule may stop an item (USC needs at least 2 to choose among). Default 3. */
    minSamples: z.number().int().min(1).max(MAX).default(3),
    /**
     * Samples per round. Default: automatic — the fewest after which the rule could stop (or the item become
     * undecidable), so an item stops where drawing one sample at a time would, in as few requests as that allows.
     */
    roundSize: z.number().int().min(1).max(MAX).optional(),
    /**
     * Probabilistic early rejection (vote curation; USC always selects): stop an item as undecidable once the chance
     * that the vote over all `sampling.samples` could still accept it falls below this (0 to 1; 0 = off, leaving only
     * the certain rejection when even all remaining samples could not reach `curation.minAgreement`). The chance is
     * the posterior predictive of a uniform Dirichlet prior over the answers seen, computed exactly. Default 0.05.
     */
    rejectBelow: z.number().min(0).lt(1).default(DEFAULT_REJECT_BELOW),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.rule !== 'beta' && a.confidence !== undefined) ctx.addIssue({ code: 'custom', path: ['confidence'], message: `applies to rule beta only (this rule is ${a.rule})` });
    if (a.rule !== 'window' && a.window !== undefined) ctx.addIssue({ code: 'custom', path: ['window'], message: `applies to rule window only (this rule is ${a.rule})` });
  })
  .transform((a): AdaptivePolicy => {
    const tail = { minSamples: a.minSamples, ...(a.roundSize === undefined ? {} : { roundSize: a.roundSize }), rejectBelow: a.rejectBelow };
    return a.rule === 'beta' ? { rule: 'beta', confidence: a.confidence ?? 0.95, ...tail } : { rule: 'window', window: a.window ?? 4, ...tail };
  });

/**
 * Run spec `sampling.adaptive`: adaptive self-consistency. `sampling.samples` stays the most samples an item may
 * draw; the item draws them in rounds and stops once its answer is decided (or can no longer reach
 * `curation.minAgreement`). `true` uses {@link DEFAULT_ADAPTIVE_POLICY}; an object chooses and tunes the rule.
 * Absent or false: every item draws all `sampling.samples`. Parsed to the policy with its defaults filled in.
 */
export const adaptiveSpecSchema = z
  .union([z.boolean(), adaptiveObjectSchema])
  .transform((value): AdaptivePolicy | undefined => (value === true ? { ...DEFAULT_ADAPTIVE_POLICY } : value === false ? undefined : value))
  .optional();

/**
 * The checks of `sampling.adaptive` against `sampling.samples`, reported on the adaptive field they are about:
 * a policy that could never stop early (or never stop at all) within the maximum is refused, not run.
 */
export function checkAdaptiveAgainstSamples(sampling: { samples: number; adaptive?: AdaptivePolicy | undefined }, ctx: z.RefinementCtx): void {
  const policy = sampling.adaptive;
  if (policy === undefined) return;
  const issue = (path: string[], message: string): void => {
    ctx.addIssue({ code: 'custom', path: ['adaptive', ...path], message });
  };
  const max = sampling.samples;
  if (max < 2) {
    issue([], `needs sampling.samples of at least 2 (the most an item may draw), got ${max}`);
    return;
  }
  if (policy.minSamples > max) issue(['minSamples'], `is ${policy.minSamples}, more than sampling.samples (${max})`);
  if (policy.roundSize !== undefined && policy.roundSize > max) issue(['roundSize'], `is ${policy.roundSize}, more than sampling.samples (${max})`);
  if (policy.rule === 'window' && policy.window > max) issue(['window'], `is ${policy.window}, more than sampling.samples (${max})`);
  if (policy.rule === 'beta' && policy.minSamples <= max && fewestToDecide(policy, max) === null) {
    const best = betaConfidence(max, 0);
    issue(['confidence'], `${policy.confidence} cannot be reached within sampling.samples (${max}): even ${max} of ${max} agreeing gives P=${Math.floor(best * 1000) / 1000}; lower it or raise sampling.samples`);
  }
}
