import type { Rng } from '../../../shared/random/seeded-random.js';
import { applyStep, type ArithmeticInstance, type ArithmeticOp } from '../../../shared/tasks/arithmetic.js';
import type { FreeContext } from './free-context.js';
import { chatFrame, heading, hedgeReply, listLines, thinkBlock, truncatedReply } from './prose-kit.js';

/**
 * Arithmetic word-problem replies in free prose. Every computation before the last is right; a wrong answer slips
 * in the last one, so the working ends on exactly the claimed number. The final amount is written as people write
 * amounts: with thousands separators, the unit the question counts, or a currency sign when it is about money.
 */
interface Line {
  op: ArithmeticOp;
  value: number;
  before: string;
  after: string;
}

const SYMBOL: Record<ArithmeticOp, string> = { add: '+', sub: '-', mul: '×', div: '÷' };
const LATEX: Record<ArithmeticOp, string> = { add: '+', sub: '-', mul: '\\times', div: '\\div' };
const CALC: Record<ArithmeticOp, string> = { add: '+', sub: '-', mul: '*', div: '/' };

function computations(instance: ArithmeticInstance, claimed: string): Line[] {
  let value = instance.start;
  return instance.steps.map((step, i) => {
    const last = i === instance.steps.length - 1;
    const next = applyStep(value, step);
    const line = { op: step.op, value: step.value, before: String(value), after: last ? claimed : String(Number(next.toPrecision(12))) };
    value = next;
    return line;
  });
}

function describe(line: Line, rng: Rng): string {
  switch (line.op) {
    case 'add':
      return rng.pick([`gets ${line.value} more`, `adds ${line.value}`, `${line.value} more arrive`]);
    case 'sub':
      return rng.pick([`gives away ${line.value}`, `loses ${line.value}`, `${line.value} are taken away`]);
    case 'mul':
      return line.value === 2 ? rng.pick(['doubles', 'the amount doubles']) : `multiplies by ${line.value}`;
    case 'div':
      return rng.pick([`splits into ${line.value} equal groups and keeps one`, `divides by ${line.value}`]);
  }
}

/** What the question counts ("How many marbles ...") and whether it is about money. */
function unitsOf(prompt: string): { noun: string | null; money: boolean } {
  const noun = /\bhow many ([a-z]+)/i.exec(prompt)?.[1]?.toLowerCase() ?? null;
  return { noun: noun === 'more' || noun === 'of' ? null : noun, money: /\$|\bdollars?\b/i.test(prompt) };
}

/** A number as people write it: "1,234", "1234 marbles", "$1,234". */
export function formatAmount(value: string, prompt: string, rng: Rng): string {
  const { noun, money } = unitsOf(prompt);
  const [whole = value, fraction] = value.split('.');
  const grouped = /^-?\d{4,}$/.test(whole) && rng.chance(0.75) ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  const number = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  if (money) return rng.chance(0.8) ? `$${number}` : `${number} dollars`;
  return noun !== null && rng.chance(0.5) ? `${number} ${noun}` : number;
}

/** `answer` as written in a sentence (units, separators, currency); `plain` the bare number. */
type Style = (start: number, lines: readonly Line[], answer: string, plain: string, rng: Rng) => string;

const STYLES: readonly Style[] = [
  // Numbered working, then the amount in bold.
  (start, lines, answer, _plain, rng) =>
    `${listLines([`Start: ${start}`, ...lines.map((l) => `${describe(l, rng)}: ${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after}`)], rng)}\n\n` +
    rng.pick([`So the final amount is **${answer}**.`, `That leaves **${answer}**.`, `So the answer is ${answer}.`]),
  // GSM8K-style working with calculator annotations and a "####" final line.
  (start, lines, _answer, plain) =>
    `It starts at ${start}. ${lines.map((l) => `Then it ${l.op === 'add' ? 'grows' : l.op === 'sub' ? 'drops' : 'changes'} to ${l.before}${CALC[l.op]}${l.value}=<<${l.before}${CALC[l.op]}${l.value}=${l.after}>>${l.after}.`).join(' ')}\n#### ${plain}`,
  // LaTeX working and a boxed result.
  (start, lines, _answer, plain, rng) =>
    `Starting with $${start}$:\n\n${lines.map((l) => `$$${l.before} ${LATEX[l.op]} ${l.value} = ${l.after}$$`).join('\n')}\n\n` +
    rng.pick([`The final answer is $\\boxed{${plain}}$.`, `Therefore, the answer is \\(\\boxed{${plain}}\\).`]),
  // The answer first, then the breakdown (which ends on the same amount).
  (start, lines, answer, _plain, rng) =>
    `The answer is ${answer}.\n\nHere's the breakdown: we start with ${start}, then ` +
    `${lines.map((l) => `${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after}`).join(', then ')}.` +
    (rng.chance(0.5) ? `\n\nSo the result is ${answer}.` : ''),
  // Headings.
  (start, lines, answer, _plain, rng) =>
    `${heading('Solution', rng)}\n\n${lines.map((l, i) => `**Step ${i + 1}:** ${describe(l, rng)} → ${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after}`).join('\n\n')}\n\n` +
    `${heading('Answer', rng)}\n\n**${answer}**`,
  // One running paragraph.
  (start, lines, answer, _plain, rng) =>
    `Starting from ${start}, ${lines.map((l) => `${describe(l, rng)} (${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after})`).join(', then ')}. ` +
    rng.pick([`That leaves ${answer}.`, `The total comes to ${answer}.`, `So we end up with ${answer}.`]),
  // Follows the requested format.
  (start, lines, answer, _plain, rng) =>
    `Start: ${start}\n${lines.map((l, i) => `Step ${i + 1}: ${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after}`).join('\n')}\n\n${rng.pick(['Final answer:', 'Answer:'])} ${answer}`,
];

function thinking(start: number, lines: readonly Line[], claimed: string): string {
  const guess = String(Number(claimed) + (lines.length > 1 ? (lines[0]?.value ?? 1) : 1));
  return thinkBlock([
    `Start ${start}. ${lines.map((l) => `${SYMBOL[l.op]}${l.value}`).join(' ')}.`,
    `Rough pass gives ${Number.isFinite(Number(guess)) ? guess : 'something'}... hmm, I think I applied a step twice. Let me redo it carefully.`,
    ...lines.map((l) => `${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after}`),
    `OK, ${claimed}.`,
  ]);
}

export function arithmeticDirect(_instance: ArithmeticInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const amount = formatAmount(ctx.shown, ctx.prompt, rng);
  return rng.pick([amount, `**${amount}**`, `The answer is ${amount}.`, `${amount}.`, `There are ${amount} left.`, `The total is ${amount}.`]);
}

export function arithmeticReasoned(instance: ArithmeticInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const lines = computations(instance, ctx.shown);
  const body = rng.pick(STYLES)(instance.start, lines, formatAmount(ctx.shown, ctx.prompt, rng), ctx.shown, rng);
  const think = rng.chance(0.12) ? thinking(instance.start, lines, ctx.shown) : '';
  return think + chatFrame(body, rng);
}

export function arithmeticUnfinished(instance: ArithmeticInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const lines = computations(instance, ctx.outcome.answer);
  const working = lines.map((l, i) => `Step ${i + 1}: ${l.before} ${SYMBOL[l.op]} ${l.value} = ${l.after}`);
  if (rng.chance(0.5)) return truncatedReply([`We start with ${instance.start}.`, ...working], rng);
  return hedgeReply(working.slice(0, -1).join('\n'), ctx.outcome.answer, ctx.correct === ctx.outcome.answer ? String(Number(ctx.correct) + 1) : ctx.correct, rng);
}
