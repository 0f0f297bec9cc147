import type { JudgeTemplateSet } from './judge-templates.js';

/** The judge/BSM/choice template names, in the order run specs and manifests list them. */
export const JUDGE_TEMPLATE_NAMES: readonly (keyof JudgeTemplateSet)[] = ['judge', 'choice', 'bsmBranch', 'bsmSolve', 'bsmMerge', 'verdictTarget'];
