/**
 * What reading one candidate answer produced. `ambiguous` is a deliberate outcome, not a failure to read: the text
 * names two or more answers ("12 or 13", "3, 4", "A or B", "maybe"), and guessing one of them would cast a confident
 * wrong vote, so extraction stops there instead of falling back to an earlier statement.
 */
export type Reading =
  | { kind: 'answer'; answer: string }
  | { kind: 'ambiguous'; why: string }
  | { kind: 'none' };

export const NONE: Reading = Object.freeze({ kind: 'none' });

export function answer(value: string): Reading {
  return { kind: 'answer', answer: value };
}

export function ambiguous(why: string): Reading {
  return { kind: 'ambiguous', why };
}
