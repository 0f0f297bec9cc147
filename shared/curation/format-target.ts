import type { AnswerType } from '../core-types.js';
import { renderSlots } from '../strategies/judge-templates.js';
import type { TemplateSet } from '../strategies/templates.js';

/**
 * The training target of an accepted normalised answer. A verdict becomes the bare verdict in the System 1 judge's
 * format (`verdictTarget`, default `[[A]]`; a tie is `C`), so the distilled judge answers as System 1 was asked to;
 * other answer types are their normalised answer.
 */
export function formatTarget(answer: string, answerType: AnswerType, templates: Pick<TemplateSet, 'verdictTarget'>): string {
  if (answerType !== 'verdict') return answer;
  return renderSlots(templates.verdictTarget, { verdict: answer === 'tie' ? 'C' : answer });
}
