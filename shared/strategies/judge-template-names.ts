import type { JudgeTemplateSet } from './judge-templates.js';

/** The judge/BSM/choice template names, in the order run specs and manifests list them. */
export const JUDGE_TEMPLATE_NAMES: readonly (keyof JudgeTemplateSet)[] = ['judge', 'choice', 'bsmBranch', 'bsmSolve', 'bsmMerge', 'verdictTarget'];

/**
 * Templates a run's answer type brings in besides its strategy's: a verdict run renders pair prompts (`judge`) and
 * formats its targets (`verdictTarget`); an option run renders option prompts (`choice`). The manifest lists them.
 */
export function templatesForAnswerType(answerType: string): (keyof JudgeTemplateSet)[] {
  if (answerType === 'verdict') return ['judge', 'verdictTarget'];
  if (answerType === 'option') return ['choice'];
  return [];
}
