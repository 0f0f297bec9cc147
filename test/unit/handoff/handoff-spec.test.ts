import { describe, expect, it } from 'vitest';
import { handoffOf } from '../../../shared/config/handoff-spec.js';
import { runSpecSchema } from '../../../shared/config/run-spec.js';

const base = { input: 'in.jsonl', answerType: 'letters', model: { name: 'm' } } as const;

describe('run spec: handoff', () => {
  it('defaults to none', () => {
    expect(runSpecSchema.parse(base).handoff).toEqual({ kind: 'none' });
  });

  it('queue: queue name and hyperparameters default', () => {
    expect(runSpecSchema.parse({ ...base, handoff: { kind: 'queue', baseModel: 'llama-3-8b' } }).handoff).toEqual({
      kind: 'queue',
      queue: 'finetune',
      baseModel: 'llama-3-8b',
      hyperparameters: { epochs: 3, learningRateMultiplier: 1, batchSize: 8 },
    });
  });

  it('openai: poll interval and timeout default; base URL, key variable (the workers bind one) and suffix stay optional', () => {
    const handoff = runSpecSchema.parse({ ...base, handoff: { kind: 'openai', baseModel: 'gpt-4o-mini', hyperparameters: { epochs: 1 } } }).handoff;
    expect(handoff).toEqual({
      kind: 'openai',
      baseModel: 'gpt-4o-mini',
      hyperparameters: { epochs: 1, learningRateMultiplier: 1, batchSize: 8 },
      pollIntervalMs: 30_000,
      timeoutMs: 300_000,
    });
  });

  it('refuses what it cannot honour, naming the field', () => {
    const issues = (handoff: unknown): string[] => {
      const parsed = runSpecSchema.safeParse({ ...base, handoff });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ kind: 'queue' })).toEqual([expect.stringMatching(/^handoff\.baseModel: /)]);
    expect(issues({ kind: 'queue', baseModel: 'm', queue: 'a:b' })).toEqual([expect.stringMatching(/^handoff\.queue: letters, digits/)]);
    expect(issues({ kind: 'queue', baseModel: 'm', queue: 'distill' })).toEqual([expect.stringMatching(/^handoff\.queue: must not be one of s2d's own queues/)]);
    // The eval queue is s2d's too: eval workers would take the finetune message for an eval item.
    expect(issues({ kind: 'queue', baseModel: 'm', queue: 'eval' })).toEqual([expect.stringMatching(/^handoff\.queue: must not be one of s2d's own queues/)]);
    // Nor one of s2d's key namespaces: a queue `run` would put BullMQ's job hashes beside the run hashes.
    expect(issues({ kind: 'queue', baseModel: 'm', queue: 'run' })).toEqual([expect.stringMatching(/^handoff\.queue: must not be one of s2d's own queues/)]);
    // Nor a distill queue shard (S2D_QUEUE_SHARDS): workers would take the message for an item.
    expect(issues({ kind: 'queue', baseModel: 'm', queue: 'distill-2' })).toEqual([expect.stringMatching(/^handoff\.queue: must not be one of s2d's own queues/)]);
    expect(issues({ kind: 'queue', baseModel: 'm', queue: 'distill-sft' })).toEqual([]);
    expect(issues({ kind: 'openai', baseModel: 'm', apiKeyEnv: 'REDIS_URL' })).toEqual([expect.stringMatching(/^handoff\.apiKeyEnv: must be OPENAI_API_KEY/)]);
    expect(issues({ kind: 'openai', baseModel: 'm', baseUrl: 'https://user:pw@example.com/v1' })).toEqual([expect.stringMatching(/^handoff\.baseUrl: must not carry credentials/)]);
    expect(issues({ kind: 'openai', baseModel: 'm', suffix: 'x'.repeat(65) })).toHaveLength(1);
    expect(issues({ kind: 'sagemaker' })).toHaveLength(1);
    expect(issues({ kind: 'none', queue: 'x' })).toHaveLength(1);
  });

  it('a spec stored before hand-offs existed counts as none', () => {
    expect(handoffOf({})).toEqual({ kind: 'none' });
  });
});
