import type { ResolvedRunSpec } from '../shared/config/run-spec.js';
import type { StructuredInput } from '../shared/core-types.js';
import { renderStructuredPrompt } from '../shared/perturbation/structured-input.js';
import { requiresOf, resolveTemplates } from '../shared/strategies/strategy-registry.js';

/**
 * How a run reads structured lines: prompts rendered through the run's (possibly overridden) judge/choice
 * templates, and the structured form its strategy or perturbations need on every line, so a line without it is an
 * input reject naming the field rather than an errored item later. Evals read their lines the same way.
 */
export function structuredInputOptions(spec: Pick<ResolvedRunSpec, 'templates' | 'strategy' | 'perturbations'>): {
  renderPrompt: (input: StructuredInput) => string;
  requires?: StructuredInput['kind'];
} {
  const { templates } = resolveTemplates(spec.templates);
  const renderPrompt = (input: StructuredInput): string => renderStructuredPrompt(input, templates);
  const kinds = spec.perturbations?.kinds ?? [];
  const requires = requiresOf(spec.strategy) ?? (kinds.includes('swap-ab') ? 'pair' : kinds.includes('shuffle-options') ? 'options' : undefined);
  return requires === undefined ? { renderPrompt } : { renderPrompt, requires };
}
