import { describe, expect, it } from 'vitest';
import { handoffFromHash, handoffHashPatch } from '../../../shared/runs/handoff-status.js';

describe('hand-off status in the run hash', () => {
  it('is null until a hand-off is recorded', () => {
    expect(handoffFromHash({ spec: '{}', state: 'published' })).toBeNull();
  });

  it('round-trips through hash fields; null clears a field', () => {
    const { set, del } = handoffHashPatch({ kind: 'openai', state: 'running', jobId: 'ftjob-1', error: null });
    expect(set).toEqual({ handoffKind: 'openai', handoffState: 'running', handoffJobId: 'ftjob-1' });
    expect(del).toEqual(['handoffError']);
    expect(handoffFromHash({ state: 'published', ...set })).toEqual({
      kind: 'openai',
      state: 'running',
      queue: null,
      jobId: 'ftjob-1',
      trainFileId: null,
      validationFileId: null,
      fineTunedModel: null,
      error: null,
      updatedAt: null,
    });
  });
});
