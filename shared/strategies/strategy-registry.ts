import { createHash } from 'node:crypto';
import { ANSWER_TYPES, type AnswerType } from '../core-types.js';
import type { RunSpec } from '../config/run-spec.js';
import { bsmStrategy } from './bsm.js';
import { cotStrategy } from './cot.js';
import { JUDGE_TEMPLATE_NAMES } from './judge-template-names.js';
import { rar1Strategy } from './rar1.js';
import { rar2Strategy } from './rar2.js';
import { s2aStrategy } from './s2a.js';
import type { Strategy, StrategyName } from './strategy.js';
import { isModuleStrategy, type StrategyRef } from './strategy-ref.js';
import { system1Strategy } from './system1.js';
import { DEFAULT_TEMPLATE_VERSION, DEFAULT_TEMPLATES, type TemplateName, type TemplateSet } from './templates.js';

const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = Object.freeze({
  system1: system1Strategy,
  cot: cotStrategy,
  rar1: rar1Strategy,
  rar2: rar2Strategy,
  s2a: s2aStrategy,
  bsm: bsmStrategy,
});

const STEP_TEMPLATES: Readonly<Record<StrategyName, readonly TemplateName[]>> = Object.freeze({
  system1: ['system1'],
  cot: ['cot'],
  rar1: ['rar1'],
  rar2: ['rar2Rephrase', 'rar2Answer'],
  s2a: ['s2aRewrite', 's2aAnswer'],
  bsm: ['bsmBranch', 'bsmSolve', 'bsmMerge'],
});

const TEMPLATE_NAMES: readonly TemplateName[] = ['system1', 'cot', 'rar1', 'rar2Rephrase', 'rar2Answer', 's2aRewrite', 's2aAnswer', 'uscSelect', ...JUDGE_TEMPLATE_NAMES];

/** Run-spec template overrides, as validated by the run spec schema. */
export type TemplateOverrides = RunSpec['templates'];

/** A template set ready for strategies, with the version of every template for the manifest. */
export interface ResolvedTemplates {
  templates: TemplateSet;
  /** Keyed by template name, plus `answerFormat` for the per-answer-type format lines as one unit. */
  versions: Record<string, string>;
}

/** Returns the strategy program of that name. */
export function getStrategy(name: StrategyName): Strategy {
  return STRATEGIES[name];
}

function versionOf(text: string, defaultText: string): string {
  // Versions follow the text, not the act of overriding: restating a default verbatim yields the same prompts,
  // so it keeps the default version and such datasets stay comparable.
  if (text === defaultText) return DEFAULT_TEMPLATE_VERSION;
  return `custom-${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12)}`;
}

/** The answer-format lines as one text, in a fixed key order so the hash does not depend on spec key order. */
function answerFormatText(formats: Record<AnswerType, string>): string {
  return JSON.stringify(ANSWER_TYPES.map((type) => [type, formats[type]]));
}

/**
 * Merges run-spec overrides over DEFAULT_TEMPLATES. A template whose text equals the default has version
 * DEFAULT_TEMPLATE_VERSION; any other text has `custom-<first 12 hex of sha256(text)>`.
 */
export function resolveTemplates(overrides: TemplateOverrides = {}): ResolvedTemplates {
  const answerFormat = { ...DEFAULT_TEMPLATES.answerFormat };
  for (const type of ANSWER_TYPES) {
    const override = overrides.answerFormat?.[type];
    if (override !== undefined) answerFormat[type] = override;
  }
  const templates: TemplateSet = { ...DEFAULT_TEMPLATES, answerFormat };
  const versions: Record<string, string> = {};
  for (const name of TEMPLATE_NAMES) {
    const override = overrides[name];
    if (override !== undefined) templates[name] = override;
    versions[name] = versionOf(templates[name], DEFAULT_TEMPLATES[name]);
  }
  versions.answerFormat = versionOf(answerFormatText(answerFormat), answerFormatText(DEFAULT_TEMPLATES.answerFormat));
  return { templates, versions };
}

/**
 * The templates a strategy's prompts are rendered from, so a manifest records just those: its step templates,
 * plus `answerFormat` when one of them carries the `{{answer_format}}` placeholder in `templates` (default: the
 * built-in set; pass the resolved set, since an override may add or drop the placeholder).
 */
export function templatesUsedBy(
  name: StrategyName,
  templates: TemplateSet = DEFAULT_TEMPLATES,
): (TemplateName | 'answerFormat')[] {
  const steps = STEP_TEMPLATES[name];
  const usesFormat = steps.some((step) => templates[step].includes('{{answer_format}}'));
  return usesFormat ? [...steps, 'answerFormat'] : [...steps];
}

/**
 * {@link templatesUsedBy} for a run's strategy, built-in or user-defined. A user-defined program renders none of the
 * built-in step templates (its prompts are its own, identified by its sha256); it receives the answer-format lines
 * and is recorded with them.
 */
export function templatesUsedByStrategy(ref: StrategyRef, templates: TemplateSet = DEFAULT_TEMPLATES): (TemplateName | 'answerFormat')[] {
  return isModuleStrategy(ref) ? ['answerFormat'] : templatesUsedBy(ref, templates);
}

/**
 * The structured input a run's strategy needs on every line, as far as it is known without running code: a
 * built-in's `requires`; none for a user-defined program (its module is loaded only by workers, behind their policy).
 */
export function requiresOf(ref: StrategyRef): Strategy['requires'] {
  return isModuleStrategy(ref) ? undefined : STRATEGIES[ref].requires;
}
