import { createHash } from 'node:crypto';

export const SPLITS = ['train', 'validation'] as const;
export type Split = (typeof SPLITS)[number];

/** Versioned salt: changing the assignment rule must be a visible change, not a silent reshuffle. */
const SPLIT_SALT = 's2d-split-v1\0';
/** 48 bits of the hash: integers up to 2^48 are exact in a double. */
const HASH_RANGE = 2 ** 48;

/**
 * The split of an accepted item, from sha256 of its id alone: the same id lands in the same split on every run,
 * resume and worker, whatever order items are processed in. Duplicated ids share a split, so a repeated input
 * cannot leak from train into validation.
 *
 * @param id the item id (the line's `id`, or `line-<n>`).
 * @param validationFraction share of ids assigned to validation, 0 to 1 (0: none, 1: all).
 */
export function assignSplit(id: string, validationFraction: number): Split {
  if (!(validationFraction >= 0 && validationFraction <= 1)) {
    throw new RangeError(`validationFraction must be between 0 and 1, got ${validationFraction}`);
  }
  return splitPoint(id) < validationFraction ? 'validation' : 'train';
}

/** Where the id falls in [0, 1): uniform over ids, fixed per id. */
export function splitPoint(id: string): number {
  const digest = createHash('sha256').update(SPLIT_SALT).update(id, 'utf8').digest();
  return digest.readUIntBE(0, 6) / HASH_RANGE;
}
