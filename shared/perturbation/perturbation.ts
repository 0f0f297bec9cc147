import type { StructuredInput } from '../core-types.js';
import { createRng } from '../random/seeded-random.js';
import type { PerturbationKind } from './perturbation-kinds.js';

/**
 * One perturbed copy of an input: a change that must not change the right answer, and the map that takes an answer
 * to the perturbed input back to the answer it means for the original. Pure.
 */
export interface Variant {
  /** e.g. `swap-ab`, `shuffle-options#2`. */
  name: string;
  input: StructuredInput;
  /** Maps a normalised answer of the variant to the original's terms; unknown answers pass through unchanged. */
  mapBack: (answer: string) => string;
}

/** A pair with A and B swapped; verdicts map back A <-> B (a tie stays a tie). */
export function swapAb(input: StructuredInput): Variant {
  if (input.kind !== 'pair') throw new RangeError('swap-ab applies to pair inputs only');
  return {
    name: 'swap-ab',
    input: { ...input, responseA: input.responseB, responseB: input.responseA },
    mapBack: (answer) => (answer === 'A' ? 'B' : answer === 'B' ? 'A' : answer),
  };
}

const letter = (index: number): string => String.fromCharCode(65 + index);

/**
 * A seeded derangement of n positions (for n >= 2 no option stays where it was, so a model that always picks the
 * same position is caught by any one variant): `order[i]` is the original index shown at position i.
 */
export function seededPermutation(n: number, seedParts: readonly (string | number)[]): number[] {
  const identity = Array.from({ length: n }, (_unused, i) => i);
  if (n < 2) return identity;
  const rng = createRng('s2d-shuffle-options', ...seedParts);
  // About 1 shuffle in e is a derangement, so 64 tries all failing has odds below 1e-12; a rotation keeps it total.
  for (let attempt = 0; attempt < 64; attempt++) {
    const order = rng.shuffle(identity);
    if (order.every((value, i) => value !== i)) return order;
  }
  return identity.map((i) => (i + 1) % n);
}

/** Options shown in a seeded order; an option letter maps back to the letter it had in the original. */
export function shuffleOptions(input: StructuredInput, seedParts: readonly (string | number)[], variant: number): Variant {
  if (input.kind !== 'options') throw new RangeError('shuffle-options applies to options inputs only');
  const order = seededPermutation(input.options.length, [...seedParts, variant]);
  return {
    name: `shuffle-options#${variant + 1}`,
    input: { ...input, options: order.map((original) => input.options[original] ?? '') },
    mapBack: (answer) => {
      const position = answer.length === 1 ? answer.charCodeAt(0) - 65 : -1;
      const original = order[position];
      return original === undefined ? answer : letter(original);
    },
  };
}

/**
 * The variants a run's perturbation spec asks for: `swap-ab` gives one, `shuffle-options` gives `variants` distinct
 * seeded orders (fewer when the options have fewer orders than that). Seeded by the item, so a retried item gets
 * the same variants and so the same cached calls.
 */
export function buildVariants(
  input: StructuredInput,
  kinds: readonly PerturbationKind[],
  variants: number,
  seedParts: readonly (string | number)[],
): Variant[] {
  const out: Variant[] = [];
  for (const kind of kinds) {
    if (kind === 'swap-ab') {
      out.push(swapAb(input));
      continue;
    }
    const seen = new Set<string>();
    for (let v = 0; v < variants * 4 && seen.size < variants; v++) {
      const variant = shuffleOptions(input, seedParts, v);
      const key = variant.input.kind === 'options' ? JSON.stringify(variant.input.options) : '';
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...variant, name: `shuffle-options#${seen.size}` });
    }
  }
  return out;
}
