/**
 * Templates of pairwise judging (System 1 judge prompt, Branch-Solve-Merge) and of multiple-choice prompts, in
 * s2d's own words. Placeholders: `{{question}}`, `{{response_a}}`, `{{response_b}}`, `{{options}}` (lettered
 * lines), `{{criterion}}`, `{{criteria_count}}`, `{{evaluations}}` (BSM solve outputs), `{{verdict}}` (A, B or C).
 * Response blocks are fenced by start/end lines so a response's own text can never be mistaken for an instruction.
 */
export interface JudgeTemplateSet {
  /** The prompt of a `pair` input line: what System 1 and the distilled model see. Ends with the verdict format. */
  judge: string;
  /** The prompt of an `options` input line. */
  choice: string;
  /** BSM branch: the question ONLY (never the responses); asks for up to `{{criteria_count}}` criteria. */
  bsmBranch: string;
  /** BSM solve: one criterion, both responses; asks for a 1-5 score for each response. */
  bsmSolve: string;
  /** BSM merge (optional LLM merge): the per-criterion evaluations; asks for the final verdict. */
  bsmMerge: string;
  /** The training target of a verdict: the bare verdict in the System 1 judge format. */
  verdictTarget: string;
}

const PAIR_BLOCK =
  '[Question]\n{{question}}\n\n[Response A begins]\n{{response_a}}\n[Response A ends]\n\n' +
  '[Response B begins]\n{{response_b}}\n[Response B ends]';

export const DEFAULT_JUDGE_TEMPLATES: Readonly<JudgeTemplateSet> = Object.freeze({
  judge:
    'You are judging two responses to the same user question. Decide which response answers the question better: ' +
    'correctness, following the instructions and completeness matter most; length and order do not.\n\n' +
    `${PAIR_BLOCK}\n\n` +
    'Reply with your verdict only: [[A]] if response A is better, [[B]] if response B is better, [[C]] if they are equally good.',
  choice: '{{question}}\n\n{{options}}\n\nReply with the letter of the correct option only, in the form [[X]].',
  bsmBranch:
    'Someone will compare two responses to the user question below. Before seeing them, propose up to ' +
    '{{criteria_count}} distinct criteria for judging how well a response answers this particular question. ' +
    'Reply with a numbered list, one criterion per line, each a short name followed by a colon and one sentence.\n\n' +
    '[Question]\n{{question}}',
  bsmSolve:
    'Evaluate two responses to a user question on ONE criterion only, ignoring every other aspect.\n\n' +
    'Criterion: {{criterion}}\n\n' +
    `${PAIR_BLOCK}\n\n` +
    'Explain briefly how each response does on this criterion, then give each a score from 1 (poor) to 5 ' +
    '(excellent) on the last two lines, exactly as:\nScore A: <1-5>\nScore B: <1-5>',
  bsmMerge:
    'Two responses to a user question were evaluated criterion by criterion. Combine the evaluations below into ' +
    'one overall verdict.\n\n' +
    `${PAIR_BLOCK}\n\n[Evaluations]\n{{evaluations}}\n\n` +
    'Finish with your verdict on the last line: [[A]] if response A is better overall, [[B]] if response B is, [[C]] for a tie.',
  verdictTarget: '[[{{verdict}}]]',
});

/** Fills `{{name}}` slots; unknown placeholders stay visible, as in renderTemplate. */
export function renderSlots(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (match, name: string) => slots[name] ?? match);
}

/** Options lettered A, B, C… one per line, as the `{{options}}` slot shows them. */
export function letteredOptions(options: readonly string[]): string {
  return options.map((option, i) => `${String.fromCharCode(65 + i)}. ${option}`).join('\n');
}
