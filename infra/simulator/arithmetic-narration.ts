import type { Rng } from '../../shared/random/seeded-random.js';
import { applyStep, runningValues, type ArithmeticInstance, type ArithmeticOp } from '../../shared/tasks/arithmetic.js';

/**
 * Text for arithmetic word-problem replies. The restatement keeps the start and every operation in order (in
 * wording the family recogniser reads back); the reasoning computes step by step and, for a wrong answer, slips
 * in the last computation so every line before it is right and the conclusion is exactly the claimed number.
 */

const SYMBOL: Record<ArithmeticOp, string> = { add: '+', sub: '-', mul: '×', div: '÷' };

function describe(step: { op: ArithmeticOp; value: number }): string {
  switch (step.op) {
    case 'add':
      return `then gets ${step.value} more`;
    case 'sub':
      return `then gives away ${step.value}`;
    case 'mul':
      return `then ends up with ${step.value} times as many`;
    case 'div':
      return `then splits them equally into ${step.value} groups and keeps one group`;
  }
}

export function restateArithmetic(instance: ArithmeticInstance, rng: Rng): string {
  const steps = instance.steps.map((s) => `The person ${describe(s)}.`).join(' ');
  return rng.pick([
    `A person starts with ${instance.start} items. ${steps} How many items does the person have after all ${instance.steps.length} changes, in order?`,
    `Someone has ${instance.start} items at first. ${steps} After every change has been applied in the order given, how many items are left?`,
  ]);
}

function opWords(op: ArithmeticOp, rng: Rng): string {
  switch (op) {
    case 'add':
      return rng.pick(['This adds to the total, so I add.', 'More items arrive, so this is an addition.']);
    case 'sub':
      return rng.pick(['Items leave, so I subtract.', 'This takes items away, so it is a subtraction.']);
    case 'mul':
      return rng.pick(['The amount is multiplied here.', 'This scales the amount, so I multiply.']);
    case 'div':
      return rng.pick(['Only one equal share is kept, so I divide.', 'Splitting equally and keeping one part means dividing.']);
  }
}

const CHECKS = [
  'Let me make sure I used the current amount and not the starting one.',
  'I keep the running total from the previous step.',
  'That matches the order in which things happen in the problem.',
  'Nothing else changes the amount at this point.',
] as const;

/** Reasoning lines that arrive at `claimed` (the correct answer or a mistake); `verbosity` extra lines per step. */
export function reasonArithmetic(instance: ArithmeticInstance, claimed: string, rng: Rng, verbosity: number): string[] {
  const values = runningValues(instance);
  const lines = [
    rng.pick([
      "Let's solve this step by step, keeping a running total.",
      'I will track the amount after each event in the problem.',
      'To solve this, I follow every change to the amount in order.',
    ]),
    `At the start there are ${instance.start}.`,
  ];
  instance.steps.forEach((step, i) => {
    const before = values[i] ?? 0;
    const last = i === instance.steps.length - 1;
    // The slip, if any, is in the last computation: every earlier line is right, the conclusion is `claimed`.
    const after = last ? claimed : String(applyStep(before, step));
    lines.push(`Step ${i + 1}: ${opWords(step.op, rng)} ${before} ${SYMBOL[step.op]} ${step.value} = ${after}.`);
    for (let v = 0; v < verbosity; v++) lines.push(rng.pick(CHECKS));
    if (!last) lines.push(`So after step ${i + 1} the amount is ${after}.`);
  });
  lines.push(`After all ${instance.steps.length} steps, the final amount is ${claimed}.`);
  return lines;
}

/** Plausible wrong final numbers of an item: a skipped step, one operation reversed, an arithmetic slip. */
export function arithmeticMistakes(instance: ArithmeticInstance, correct: string, rng: Rng): string[] {
  const finalOf = (steps: ArithmeticInstance['steps']): number => runningValues({ start: instance.start, steps }).at(-1) ?? 0;
  const reverse: Record<ArithmeticOp, ArithmeticOp> = { add: 'sub', sub: 'add', mul: 'div', div: 'mul' };
  const candidates: number[] = [];
  instance.steps.forEach((step, i) => {
    candidates.push(finalOf(instance.steps.filter((_s, j) => j !== i)));
    candidates.push(finalOf(instance.steps.map((s, j) => (j === i ? { op: reverse[s.op], value: s.value } : s))));
  });
  const truth = Number(correct);
  for (const delta of [1, -1, 10, -10, 2]) candidates.push(truth + delta + rng.int(1));
  const seen = new Set<string>([correct]);
  const out: string[] = [];
  for (const c of candidates) {
    const text = String(c);
    if (Number.isInteger(c) && !seen.has(text)) {
      seen.add(text);
      out.push(text);
    }
  }
  return out;
}
