/** Input perturbations that must not change the answer (reference/methods.md, curation 2). */
export const PERTURBATION_KINDS = ['swap-ab', 'shuffle-options'] as const;
export type PerturbationKind = (typeof PERTURBATION_KINDS)[number];
