import { describe, expect, it } from 'vitest';
import { formatHandoff } from '../../../cli/commands/status.js';
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

  it('reads as one status line', () => {
    const none = { queue: null, jobId: null, trainFileId: null, validationFileId: null, fineTunedModel: null, error: null, updatedAt: null };
    expect(formatHandoff({ ...none, kind: 'queue', state: 'enqueued', queue: 'finetune', jobId: 'r__finetune' })).toBe('queue enqueued on finetune, job r__finetune');
    expect(formatHandoff({ ...none, kind: 'openai', state: 'succeeded', jobId: 'ftjob-1', fineTunedModel: 'ft:m:x:1' })).toBe('openai succeeded, job ftjob-1, model ft:m:x:1');
    expect(formatHandoff({ ...none, kind: 'openai', state: 'error', error: 'boom' })).toBe('openai error, error: boom');
  });
});
