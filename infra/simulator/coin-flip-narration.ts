import type { Rng } from '../../shared/random/seeded-random.js';
import { endsHeadsUp, type CoinFlipInstance } from '../../shared/tasks/coin-flip.js';

/**
 * Text for coin-flip replies. The restatement keeps every person and action (so the answer call can read the
 * task from it) and carries no answer; the reasoning tracks the coin turn by turn and, for a wrong answer,
 * misreads one person's action, so every later step is consistent with the wrong conclusion. No bare "yes"/"no"
 * appears outside the final line, so an answer extractor cannot pick one up from the reasoning.
 */

const side = (headsUp: boolean): string => (headsUp ? 'heads' : 'tails');

export function restateCoinFlip(instance: CoinFlipInstance, rng: Rng): string {
  const k = instance.turns.length;
  const people = k === 1 ? '1 person takes a turn' : `${k} people take turns`;
  const actions = instance.turns.map((t) =>
    t.flips ? `${t.person} flips the coin over` : `${t.person} does not flip the coin and leaves it as it is`,
  );
  const asked = side(instance.asksHeadsUp);
  return rng.pick([
    `A coin begins with ${side(instance.startsHeadsUp)} facing up. Then ${people} with it, in this order: ` +
      `${actions.join('; ')}. After the last turn, is the coin ${asked} up?`,
    `A coin starts ${side(instance.startsHeadsUp)} up. ${actions.map((a) => `${a}.`).join(' ')} ` +
      `Each flip turns the coin to its other side. Once everyone has had a turn, is the coin showing ${asked}?`,
    `The coin is ${side(instance.startsHeadsUp)} up at the start. One after another: ${actions.join('; ')}. ` +
      `When all ${k} turns are over, is ${asked} the side facing up?`,
  ]);
}

/** Reasoning lines that arrive at `claimed` ('yes' / 'no'). */
export function reasonCoinFlip(instance: CoinFlipInstance, claimed: string, rng: Rng): string[] {
  const truthYes = endsHeadsUp(instance) === instance.asksHeadsUp;
  const slipAt = (claimed === 'yes') === truthYes ? -1 : rng.int(instance.turns.length);
  let heads = instance.startsHeadsUp;
  let flips = 0;
  const lines = [
    rng.pick([
      `The coin starts ${side(heads)} up.`,
      `At the start, the coin shows ${side(heads)}.`,
      `Let me track the coin. It begins ${side(heads)} up.`,
    ]),
  ];
  instance.turns.forEach((t, i) => {
    const flipsNow = i === slipAt ? !t.flips : t.flips; // the slip: one action misread
    if (flipsNow) {
      heads = !heads;
      flips++;
      lines.push(rng.pick([`${t.person} flips it, so now it is ${side(heads)} up.`, `${t.person} flips the coin: it turns to ${side(heads)}.`]));
    } else {
      lines.push(rng.pick([`${t.person} does not flip it, so it stays ${side(heads)} up.`, `${t.person} leaves it alone; it is still ${side(heads)}.`]));
    }
  });
  const asked = side(instance.asksHeadsUp);
  lines.push(
    rng.pick([
      `That is ${flips} flip${flips === 1 ? '' : 's'} in total, an ${flips % 2 === 0 ? 'even' : 'odd'} number.`,
      `Counting the flips: ${flips}.`,
    ]),
  );
  lines.push(
    heads === instance.asksHeadsUp
      ? `So at the end the coin is ${side(heads)} up, which means it is ${asked} up.`
      : `So at the end the coin is ${side(heads)} up, which means it is not ${asked} up.`,
  );
  return lines;
}
