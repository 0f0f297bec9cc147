import type { Rng } from '../../../shared/random/seeded-random.js';
import { endsHeadsUp, type CoinFlipInstance } from '../../../shared/tasks/coin-flip.js';
import type { FreeContext } from './free-context.js';
import { chatFrame, heading, hedgeReply, listLines, thinkBlock, truncatedReply } from './prose-kit.js';

/**
 * Coin-flip replies in free prose. The coin is tracked turn by turn; a wrong answer misreads one person's action, so
 * every later state and the conclusion agree with it. Explanations say "heads" / "tails", "flips" / "leaves it":
 * the yes or no is said where a person would say it, at the start or at the end.
 */
interface Step {
  person: string;
  flips: boolean;
  headsAfter: boolean;
}

interface Trace {
  startsHeads: boolean;
  steps: Step[];
  endsHeads: boolean;
  flips: number;
}

const side = (heads: boolean): string => (heads ? 'heads' : 'tails');

/** The turns as the reply reads them: right, or with one action misread when the claimed answer is wrong. */
export function coinTrace(instance: CoinFlipInstance, claimed: string, rng: Rng): Trace {
  const truthYes = endsHeadsUp(instance) === instance.asksHeadsUp;
  const slipAt = (claimed === 'yes') === truthYes ? -1 : rng.int(instance.turns.length);
  let heads = instance.startsHeadsUp;
  const steps = instance.turns.map((t, i) => {
    const flips = i === slipAt ? !t.flips : t.flips;
    if (flips) heads = !heads;
    return { person: t.person, flips, headsAfter: heads };
  });
  return { startsHeads: instance.startsHeadsUp, steps, endsHeads: heads, flips: steps.filter((s) => s.flips).length };
}

function action(step: Step, rng: Rng): string {
  return step.flips
    ? rng.pick([`${step.person} flips it`, `${step.person} flips the coin`, `${step.person} turns it over`])
    : rng.pick([`${step.person} doesn't flip it`, `${step.person} leaves it alone`, `${step.person} does not flip it`]);
}

/** The yes/no said as a person says it: with the side and "still" / "anymore" where they fit. */
function verdict(claimed: string, instance: CoinFlipInstance, upper: boolean, rng: Rng): string {
  const asked = side(instance.asksHeadsUp);
  const same = instance.asksHeadsUp === instance.startsHeadsUp;
  const yes = upper ? 'Yes' : 'yes';
  const no = upper ? 'No' : 'no';
  if (claimed === 'yes') {
    return rng.pick([`${yes}, the coin is ${same ? 'still ' : ''}${asked} up.`, `${yes} — it ends ${asked} up.`, `${yes}.`, `**${yes}**, it's ${asked} up.`]);
  }
  return rng.pick([
    `${no}, the coin is not ${asked} up${same ? ' anymore' : ''}.`,
    `${no} — it ends up ${side(!instance.asksHeadsUp)} up.`,
    `${no}.`,
    `**${no}**, it's ${side(!instance.asksHeadsUp)} up.`,
  ]);
}

function walk(trace: Trace, rng: Rng): string[] {
  return [`Start: ${side(trace.startsHeads)} up.`, ...trace.steps.map((s) => `${action(s, rng)} → ${side(s.headsAfter)} up.`)];
}

function flippers(trace: Trace): string {
  const names = trace.steps.filter((s) => s.flips).map((s) => s.person);
  if (names.length === 0) return 'Nobody flips';
  return names.length === 1 ? `${names.join('')} flips` : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''} flip`;
}

type Style = (trace: Trace, instance: CoinFlipInstance, claimed: string, rng: Rng) => string;

const STYLES: readonly Style[] = [
  // The answer first, then why.
  (trace, instance, claimed, rng) =>
    `${verdict(claimed, instance, true, rng)}\n\nHere's why: the coin starts ${side(trace.startsHeads)} up. ` +
    trace.steps.map((s) => `${action(s, rng)}, so it's ${side(s.headsAfter)} up.`).join(' '),
  // Track the coin, then conclude.
  (trace, instance, claimed, rng) =>
    `Let's track the coin:\n\n${listLines(walk(trace, rng), rng)}\n\n` +
    `The coin ends up ${side(trace.endsHeads)} up, so the answer is **${claimed}**.`,
  // Count the flips (parity), then answer.
  (trace, instance, claimed, rng) =>
    `Only the flips matter. ${flippers(trace)} the coin: that's ${trace.flips} flip${trace.flips === 1 ? '' : 's'}, an ${trace.flips % 2 === 0 ? 'even' : 'odd'} number. ` +
    `${trace.flips % 2 === 0 ? 'An even number of flips brings the coin back to where it started' : 'An odd number of flips leaves it on the other side'}, ` +
    `so it finishes ${side(trace.endsHeads)} up.\n\n${verdict(claimed, instance, true, rng)}`,
  // A table.
  (trace, instance, claimed, rng) =>
    `| Turn | Action | Coin |\n|---|---|---|\n| start | – | ${side(trace.startsHeads)} |\n` +
    `${trace.steps.map((s) => `| ${s.person} | ${s.flips ? 'flips' : 'no flip'} | ${side(s.headsAfter)} |`).join('\n')}\n\n` +
    `After the last turn the coin shows ${side(trace.endsHeads)}. ${verdict(claimed, instance, true, rng)}`,
  // Headings.
  (trace, instance, claimed, rng) =>
    `${heading('Tracking the coin', rng)}\n\n${walk(trace, rng).map((l) => `- ${l}`).join('\n')}\n\n${heading('Answer', rng)}\n\n${verdict(claimed, instance, true, rng)}`,
  // Follows the requested format.
  (trace, instance, claimed, rng) =>
    `${walk(trace, rng).join('\n')}\nSo the coin is ${side(trace.endsHeads)} up at the end.\n\n${rng.pick(['Final answer:', 'Answer:'])} ${claimed}`,
];

function thinking(trace: Trace, claimed: string): string {
  const first = trace.steps[0];
  const lines = [
    `Coin starts ${side(trace.startsHeads)}.`,
    first === undefined ? '' : `${first.person} ${first.flips ? 'flips' : 'does not flip'}: ${side(first.headsAfter)}. So the answer is ${claimed === 'yes' ? 'no' : 'yes'}? Wait, I haven't gone through everyone yet.`,
    ...trace.steps.slice(1).map((s) => `${s.person} ${s.flips ? 'flips' : 'does not flip'}: ${side(s.headsAfter)}.`),
    `Ends ${side(trace.endsHeads)}.`,
  ].filter((l) => l !== '');
  return thinkBlock(lines);
}

export function coinFlipDirect(instance: CoinFlipInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  return rng.chance(0.3) ? ctx.shown : verdict(ctx.shown, instance, rng.chance(0.85), rng);
}

export function coinFlipReasoned(instance: CoinFlipInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const trace = coinTrace(instance, ctx.shown, rng);
  const body = rng.pick(STYLES)(trace, instance, ctx.shown, rng);
  const think = rng.chance(0.12) ? thinking(trace, ctx.shown) : '';
  return think + chatFrame(body, rng);
}

export function coinFlipUnfinished(instance: CoinFlipInstance, ctx: FreeContext): string {
  const { rng } = ctx;
  const trace = coinTrace(instance, ctx.outcome.answer, rng);
  const lines = walk(trace, rng);
  if (rng.chance(0.5)) return truncatedReply(["Let's follow the coin one turn at a time.", ...lines], rng);
  return hedgeReply(lines.join('\n'), `${side(trace.endsHeads)} up`, `${side(!trace.endsHeads)} up`, rng);
}
