/** Correct answers and cost, per task family and overall. */
export interface AccuracyTally {
  items: number;
  correct: number;
  /** correct / items (0 when there are no items). */
  accuracy: number;
  unextractable: number;
  /** Generated (completion) tokens per item, counting every intermediate call: the paper's cost metric. */
  tokensPerItem: number;
  promptTokensPerItem: number;
  callsPerItem: number;
}

export interface TallyInput {
  task: string;
  correct: boolean;
  extracted: boolean;
  completionTokens: number;
  promptTokens: number;
  calls: number;
}

/** Sums per-item outcomes into an overall tally and one per task. */
export function tallyAccuracy(outcomes: readonly TallyInput[]): { overall: AccuracyTally; byTask: Record<string, AccuracyTally> } {
  const groups = new Map<string, TallyInput[]>();
  for (const outcome of outcomes) groups.set(outcome.task, [...(groups.get(outcome.task) ?? []), outcome]);
  const byTask: Record<string, AccuracyTally> = {};
  for (const [task, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) byTask[task] = tally(group);
  return { overall: tally(outcomes), byTask };
}

function tally(outcomes: readonly TallyInput[]): AccuracyTally {
  const items = outcomes.length;
  const sum = (pick: (outcome: TallyInput) => number): number => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
  const per = (value: number): number => (items === 0 ? 0 : value / items);
  const correct = sum((outcome) => (outcome.correct ? 1 : 0));
  return {
    items,
    correct,
    accuracy: per(correct),
    unextractable: sum((outcome) => (outcome.extracted ? 0 : 1)),
    tokensPerItem: per(sum((outcome) => outcome.completionTokens)),
    promptTokensPerItem: per(sum((outcome) => outcome.promptTokens)),
    callsPerItem: per(sum((outcome) => outcome.calls)),
  };
}
