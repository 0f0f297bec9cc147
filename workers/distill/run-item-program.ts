import type { CuratedItem } from '../../shared/curation/curate-item.js';
import { sampleAndCurate } from '../../shared/curation/sample-and-curate.js';
import { PerturbationWatch } from '../../shared/curation/perturbation-watch.js';
import { curationMethodOf } from '../../shared/curation/curation-method.js';
import { curatePerturbed } from '../../shared/curation/curate-perturbed.js';
import { formatTarget } from '../../shared/curation/format-target.js';
import type { VariantRecord } from '../../shared/dataset/item-result.js';
import type { Sampler } from '../../shared/llm/sampler.js';
import { runOnVariants, type VariantRef } from '../../shared/perturbation/run-on-variants.js';
import { renderStructuredPrompt } from '../../shared/perturbation/structured-input.js';
import type { DistillJob } from '../../shared/queue/job-payloads.js';
import type { StructuredInput } from '../../shared/core-types.js';
import type { RunContext } from '../run-context.js';
import { strategyContext } from '../../shared/strategies/strategy.js';

export type ProgramOutcome = CuratedItem & {
  variants?: VariantRecord[];
  /** Extra training lines (perturbations.emitSwapped), accepted items only. */
  augmented?: { variant: string; prompt: string; target: string }[];
};

/**
 * The strategy program of one item, curated: N samples (or, with `sampling.adaptive`, as many as the stopping rule
 * needs) and a vote, and with `perturbations` in the spec the same
 * again on every perturbed variant (concurrently, through the same sampler and call cache: a variant's prompts
 * differ, so its calls have their own cache keys), each variant's answer mapped back and the item kept only if all
 * agree. An accepted verdict becomes the bare System 1 judge verdict (`verdictTarget`).
 */
export async function runItemProgram(
  context: Pick<RunContext, 'spec' | 'strategy' | 'templates'>,
  payload: DistillJob,
  sampler: Sampler,
): Promise<ProgramOutcome> {
  const { spec, templates } = context;
  const watch = new PerturbationWatch();
  const curateRun = async (prompt: string, structured: StructuredInput | undefined, via: Sampler, variant: VariantRef | undefined): Promise<CuratedItem> => {
    const curated = await sampleAndCurate({
      strategy: context.strategy,
      context: strategyContext(spec, templates, { prompt, answerType: payload.answerType, structured }, via),
      policy: spec.sampling.adaptive,
      method: curationMethodOf(spec),
      answerType: payload.answerType,
      prompt,
      minAgreement: spec.curation.minAgreement,
      sampler: via,
      uscTemplate: templates.uscSelect,
      maxTokens: spec.sampling.maxTokens,
      ...(variant === undefined ? {} : { abandon: () => watch.doomed() }),
    });
    if (variant !== undefined) watch.settle(variant.name, curated, variant.mapBack);
    return curated;
  };
  const perturbations = spec.perturbations;
  // Adaptive variants stop drawing once another variant has settled the item as rejected (see PerturbationWatch).
  const { original, variants } = await runOnVariants({ item: payload, perturbations, seed: spec.sampling.seed, sampler, templates, run: curateRun });
  let outcome: ProgramOutcome =
    perturbations === undefined
      ? original
      : curatePerturbed(
          original,
          variants.map(({ variant, outcome: curated }) => ({ name: variant.name, mapBack: variant.mapBack, curated })),
        );
  if (outcome.status === 'accepted' && perturbations?.emitSwapped === true) {
    // Every variant agreed, so each one's own voted answer is the target for its own input.
    const augmented = variants.flatMap(({ variant, outcome: own }) => {
      if (own.status !== 'accepted') return [];
      return [{ variant: variant.name, prompt: renderStructuredPrompt(variant.input, templates), target: formatTarget(own.target, payload.answerType, templates) }];
    });
    outcome = { ...outcome, augmented };
  }
  return outcome.status === 'accepted' ? { ...outcome, target: formatTarget(outcome.target, payload.answerType, templates) } : outcome;
}
