import { findJudgeParts, type JudgeParts } from '../../shared/tasks/judge-parts.js';
import { judgeKindOf } from '../../shared/tasks/judge-quality.js';

/**
 * The judging calls the simulator recognises, from their wording (any template that asks for the same thing):
 * - `judge-direct`: both responses shown, a verdict asked for (the System 1 judge);
 * - `bsm-branch`: the question alone, evaluation criteria asked for;
 * - `bsm-solve`: both responses and ONE criterion, 1-5 scores asked for;
 * - `bsm-merge`: both responses and several evaluations to combine into a verdict.
 */
export const JUDGE_MODES = ['judge-direct', 'bsm-branch', 'bsm-solve', 'bsm-merge'] as const;
export type JudgeMode = (typeof JUDGE_MODES)[number];

export interface JudgeRequest {
  mode: JudgeMode;
  parts: JudgeParts;
}

const CRITERIA_ASKED = /\b(?:criteria|aspects|dimensions|rubric)\b/iu;
const LIST_VERB = /\b(?:propose|list|suggest|identify|generate|come up with|name|enumerate)\b/iu;
const ONE_CRITERION = /\b(?:criterion|aspect|dimension)\b/iu;
const SCALE = /\b1\s*(?:to|-|–)\s*5\b|\bone to five\b|\bout of 5\b|\b1 \(poor\)/iu;
const MERGE = /\b(?:combine|merge|aggregate|overall verdict)\b/iu;
const EVALUATIONS = /\bevaluations?\b|\bscores?\b/iu;

/** The judging call a prompt makes, or null when it is not one (then the reasoning-task path answers it). */
export function detectJudgeRequest(prompt: string): JudgeRequest | null {
  const parts = findJudgeParts(prompt);
  if (parts.question === null || judgeKindOf(parts.question) === null) return null;
  if (parts.responseA !== null && parts.responseB !== null) {
    if (MERGE.test(prompt) && EVALUATIONS.test(prompt)) return { mode: 'bsm-merge', parts };
    if (ONE_CRITERION.test(prompt) && SCALE.test(prompt)) return { mode: 'bsm-solve', parts };
    return { mode: 'judge-direct', parts };
  }
  if (parts.responseA === null && parts.responseB === null && CRITERIA_ASKED.test(prompt) && LIST_VERB.test(prompt)) {
    return { mode: 'bsm-branch', parts };
  }
  return null;
}
