import { describe, expect, it } from 'vitest';
import { buildManifest, type Manifest, type ManifestFile } from '../../../shared/dataset/manifest.js';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { buildFinetunePayload, finetuneJobId, finetunePayloadSchema } from '../../../shared/handoff/finetune-payload.js';

const file = (path: string, role: ManifestFile['role'], records: number): ManifestFile => ({ path, role, records, bytes: records * 10, sha256: 'a'.repeat(64) });

function manifest(): Manifest {
  const spec = { ...runSpecSchema.parse({ name: 'letters', input: 'in.jsonl', answerType: 'letters', model: { name: 'm', baseUrl: 'http://x/v1' } }), runId: 'run-1' };
  return buildManifest({
    schemaVersion: 1,
    kind: 's2d.dataset',
    runId: 'run-1',
    name: 'letters',
    createdAt: '2026-11-27T20:00:00.000Z',
    spec: { ...spec, model: { ...spec.model, baseUrl: 'http://x/v1' } },
    model: { name: 'm', baseUrl: 'http://x/v1' },
    strategy: { name: 'rar2', templateVersions: {} },
    counts: { inputs: 10, accepted: 7, rejected: 3, errored: 0, train: 6, validation: 1, rejectReasons: { tie: 3 } },
    tokens: { prompt: 0, completion: 0, total: 0, calls: 0 },
    files: [file('train-00000.jsonl', 'train', 4), file('train-00001.jsonl', 'train', 2), file('validation-00000.jsonl', 'validation', 1), file('provenance.jsonl', 'provenance', 7), file('rejects.jsonl', 'rejects', 3)],
  });
}

describe('finetune payload', () => {
  it('lists the shards of each split in order with their locators, and only those', () => {
    const payload = buildFinetunePayload({
      manifest: manifest(),
      manifestUri: 's3://bucket/datasets/run-1/manifest.json',
      locate: (path) => `s3://bucket/datasets/run-1/${path}`,
      baseModel: 'llama-3-8b',
      hyperparameters: { epochs: 2, learningRateMultiplier: 0.5, batchSize: 16 },
    });
    expect(payload).toEqual({
      schemaVersion: 1,
      kind: 's2d.finetune-request',
      runId: 'run-1',
      dataset: 'letters',
      manifestUri: 's3://bucket/datasets/run-1/manifest.json',
      train: [
        { uri: 's3://bucket/datasets/run-1/train-00000.jsonl', path: 'train-00000.jsonl', records: 4, bytes: 40, sha256: 'a'.repeat(64) },
        { uri: 's3://bucket/datasets/run-1/train-00001.jsonl', path: 'train-00001.jsonl', records: 2, bytes: 20, sha256: 'a'.repeat(64) },
      ],
      validation: [{ uri: 's3://bucket/datasets/run-1/validation-00000.jsonl', path: 'validation-00000.jsonl', records: 1, bytes: 10, sha256: 'a'.repeat(64) }],
      baseModel: 'llama-3-8b',
      hyperparameters: { epochs: 2, learningRateMultiplier: 0.5, batchSize: 16 },
      counts: { inputs: 10, accepted: 7, train: 6, validation: 1 },
      createdAt: '2026-11-27T20:00:00.000Z',
    });
    expect(finetunePayloadSchema.safeParse({ ...payload, schemaVersion: 2 }).success).toBe(false);
    expect(finetunePayloadSchema.safeParse({ ...payload, extra: 1 }).success).toBe(false);
  });

  it('has one job id per run, without the ":" BullMQ uses as a separator', () => {
    expect(finetuneJobId('run-1')).toBe('run-1__finetune');
    expect(finetuneJobId('run-1')).not.toContain(':');
  });
});
