import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../shared/config/run-spec.js';

const base = { input: 'in.jsonl', answerType: 'verdict', model: { name: 'm' } };

describe('run spec: bsm and perturbations', () => {
  it('makes BSM greedy by default (temperature 0, one sample per order) without touching other strategies', () => {
    const bsm = runSpecSchema.parse({ ...base, strategy: 'bsm' });
    expect(bsm.sampling).toMatchObject({ samples: 1, temperature: 0 });
    expect(bsm.bsm).toEqual({ maxCriteria: 5, merge: 'sum' });
    expect(runSpecSchema.parse({ ...base, strategy: 'bsm', sampling: { samples: 3, maxTokens: 100 } }).sampling).toMatchObject({ samples: 3, temperature: 0, maxTokens: 100 });
    expect(runSpecSchema.parse({ ...base, strategy: 'rar2' }).sampling).toMatchObject({ samples: 8, temperature: 0.8 });
  });

  it('validates perturbations', () => {
    expect(runSpecSchema.parse({ ...base, perturbations: { kinds: ['swap-ab'] } }).perturbations).toEqual({ kinds: ['swap-ab'], variants: 1, emitSwapped: false });
    expect(runSpecSchema.safeParse({ ...base, perturbations: { kinds: [] } }).success).toBe(false);
    expect(runSpecSchema.safeParse({ ...base, perturbations: { kinds: ['rotate'] } }).success).toBe(false);
    const both = runSpecSchema.safeParse({ ...base, perturbations: { kinds: ['swap-ab', 'shuffle-options'] } });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toMatch(/one of them/);
    expect(runSpecSchema.safeParse({ ...base, bsm: { merge: 'vote' } }).success).toBe(false);
  });
});
