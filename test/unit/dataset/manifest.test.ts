import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { buildManifest, ManifestError, parseManifest, serializeManifest, type ManifestInput } from '../../../shared/dataset/manifest.js';
import { summariseDataset } from '../../../shared/dataset/verify-dataset.js';

const sha = 'a'.repeat(64);

function fields(): ManifestInput {
  const spec = { ...runSpecSchema.parse({ input: 'in.jsonl', answerType: 'letters', model: { name: 'm' } }), runId: 'run-1' };
  return {
    schemaVersion: 1,
    kind: 's2d.dataset',
    runId: 'run-1',
    name: 'dataset',
    createdAt: '2025-01-02T03:04:05.000Z',
    spec: { ...spec, model: { ...spec.model, baseUrl: 'http://127.0.0.1:8000/v1' } },
    model: { name: 'm', baseUrl: 'http://127.0.0.1:8000/v1' },
    strategy: { name: 'rar2', templateVersions: { rar2Rephrase: 'v1', rar2Answer: 'v1' } },
    counts: { inputs: 10, accepted: 6, rejected: 3, errored: 1, train: 5, validation: 1, rejectReasons: { tie: 2, 'invalid-input': 1 } },
    tokens: { prompt: 100, completion: 50, total: 150, calls: 20 },
    files: [
      { path: 'train-00000.jsonl', role: 'train', records: 5, bytes: 10, sha256: sha },
      { path: 'validation-00000.jsonl', role: 'validation', records: 1, bytes: 10, sha256: sha },
      { path: 'provenance.jsonl', role: 'provenance', records: 6, bytes: 10, sha256: sha },
      { path: 'rejects.jsonl', role: 'rejects', records: 4, bytes: 10, sha256: sha },
    ],
  };
}

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('manifest', () => {
  it('builds, serialises and parses back a reconciled manifest', () => {
    const manifest = buildManifest(fields());
    expect(manifest.kind).toBe('s2d.dataset');
    // No key variable named: the workers send the key their operator binds to the endpoint; never a key in the manifest.
    expect(manifest.spec.model.apiKeyEnv).toBeUndefined();
    expect(serializeManifest(manifest)).not.toMatch(/apiKey"/);
    expect(parseManifest(serializeManifest(manifest))).toEqual(manifest);
    expect(parseManifest(new TextEncoder().encode(serializeManifest(manifest)))).toEqual(manifest);
  });

  it('a retried run\'s version links the previous manifest: version and previousManifest go together', () => {
    const v2 = buildManifest({ ...fields(), version: 2, previousManifest: '/data/demo/run-1/manifest.json' });
    expect(parseManifest(serializeManifest(v2))).toMatchObject({ version: 2, previousManifest: '/data/demo/run-1/manifest.json' });
    expect(buildManifest(fields()).version).toBeUndefined();
    expect(issuesOf(() => buildManifest({ ...fields(), version: 2 }))).toEqual([
      'previousManifest: version and previousManifest go together (a retried run links the version before it)',
    ]);
    expect(issuesOf(() => buildManifest({ ...fields(), version: 1, previousManifest: 'm' }))[0]).toMatch(/^version: /);
  });

  it('refuses counts that do not reconcile, naming each mismatch', () => {
    const f = fields();
    f.counts.inputs = 11;
    f.counts.train = 4;
    expect(issuesOf(() => buildManifest(f))).toEqual([
      'counts.inputs: is 11 but accepted 6 + rejected 3 + errored 1 = 10',
      'counts.accepted: is 6 but train 4 + validation 1 = 5',
      'files: train files hold 5 records, counts say 4',
    ]);
  });

  it('checks reject reasons, token total and file records against the counts', () => {
    const f = fields();
    f.counts.rejectReasons = { tie: 1 };
    f.tokens.total = 1;
    f.files[3] = { path: 'rejects.jsonl', role: 'rejects', records: 3, bytes: 1, sha256: sha };
    expect(issuesOf(() => buildManifest(f))).toEqual([
      'counts.rejectReasons: sum to 1 but rejected is 3',
      'tokens.total: is 1 but prompt + completion = 150',
      'files: rejects files hold 3 records, counts say 4',
    ]);
  });

  it('Parquet twins, when listed, must hold the same records per split as the JSONL shards; a card is optional', () => {
    const f = fields();
    f.files.push(
      { path: 'train-00000.parquet', role: 'train-parquet', records: 4, bytes: 10, sha256: sha },
      { path: 'validation-00000.parquet', role: 'validation-parquet', records: 1, bytes: 10, sha256: sha },
      { path: 'README.md', role: 'card', records: 30, bytes: 10, sha256: sha },
    );
    expect(issuesOf(() => buildManifest(f))).toEqual(['files: train-parquet files hold 4 records, counts say 5']);
    f.files[4] = { path: 'train-00000.parquet', role: 'train-parquet', records: 5, bytes: 10, sha256: sha };
    expect(buildManifest(f).files.map((file) => file.role)).toEqual(['train', 'validation', 'provenance', 'rejects', 'train-parquet', 'validation-parquet', 'card']);
  });

  it('gives clear errors for bad JSON, a wrong kind or version, and bad file entries', () => {
    expect(() => parseManifest('{', 'run-1/manifest.json')).toThrow(/^run-1\/manifest.json: invalid dataset manifest:\n {2}not valid JSON/);
    const wrong = { ...fields(), kind: 'other', schemaVersion: 2 };
    const issues = issuesOf(() => parseManifest(JSON.stringify(wrong)));
    expect(issues.some((i) => i.startsWith('schemaVersion:'))).toBe(true);
    expect(issues.some((i) => i.startsWith('kind:'))).toBe(true);
    const f = fields();
    f.files[0] = { path: '../escape.jsonl', role: 'train', records: 5, bytes: 1, sha256: 'xyz' };
    expect(issuesOf(() => parseManifest(f))).toEqual([
      'files.0.path: must be a relative path inside the dataset folder',
      'files.0.sha256: must be 64 lower-case hex digits',
    ]);
  });

  it('marks a stopped run partial: partial and stopped must match the cancelled / budget-exhausted rejects', () => {
    const partial = { ...fields(), counts: { ...fields().counts, rejectReasons: { tie: 1, 'invalid-input': 1, cancelled: 1 } } };
    expect(buildManifest({ ...partial, partial: true, stopped: { reason: 'cancelled', items: 1 } })).toMatchObject({ partial: true, stopped: { items: 1 } });
    expect(issuesOf(() => buildManifest(partial))).toEqual(['stopped: 1 items were never processed, so partial must be true and stopped.items 1']);
    expect(issuesOf(() => buildManifest({ ...fields(), partial: true, stopped: { reason: 'cancelled', items: 1 } }))).toEqual([
      'partial: is set but no item was stopped (no cancelled / budget-exhausted rejects)',
    ]);
    // A complete run's manifest carries neither field, exactly as before.
    expect(Object.keys(buildManifest(fields()))).not.toContain('partial');
    // s2d collect says so: a partial dataset is not handed off, so the person collecting it must know.
    expect(summariseDataset(buildManifest({ ...partial, partial: true, stopped: { reason: 'cancelled', items: 1 } })).stopped).toEqual({ reason: 'cancelled', items: 1 });
    expect(summariseDataset(buildManifest(fields())).stopped).toBeNull();
  });
});
