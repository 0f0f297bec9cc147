import { describe, expect, it } from 'vitest';
import { runSpecSchema } from '../../../shared/config/run-spec.js';
import { buildManifest, ManifestError, parseManifest, serializeManifest, type ManifestInput } from '../../../shared/dataset/manifest.js';

const sha = 'a'.repeat(64);
const program = { module: '/srv/programs/plan.mjs', export: 'planThenSolve', sha256: 'b'.repeat(64) };

function fields(strategy: unknown = program): ManifestInput {
  const spec = { ...runSpecSchema.parse({ input: 'in.jsonl', answerType: 'letters', model: { name: 'm' }, strategy }), runId: 'run-1' };
  return {
    schemaVersion: 1,
    kind: 's2d.dataset',
    runId: 'run-1',
    name: 'dataset',
    createdAt: '2025-01-02T03:04:05.000Z',
    spec: { ...spec, model: { ...spec.model, baseUrl: 'http://127.0.0.1:8000/v1' } },
    model: { name: 'm', baseUrl: 'http://127.0.0.1:8000/v1' },
    strategy: { name: `module:planThenSolve@${'b'.repeat(12)}`, program, templateVersions: { answerFormat: 'v2' } },
    counts: { inputs: 1, accepted: 1, rejected: 0, errored: 0, train: 1, validation: 0, rejectReasons: {} },
    tokens: { prompt: 10, completion: 5, total: 15, calls: 2 },
    files: [
      { path: 'train-00000.jsonl', role: 'train', records: 1, bytes: 10, sha256: sha },
      { path: 'provenance.jsonl', role: 'provenance', records: 1, bytes: 10, sha256: sha },
    ],
  };
}

const issuesOf = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues;
    throw error;
  }
  return [];
};

describe('the manifest of a run with a user-defined program', () => {
  it('names the program by export and sha256 and records which file and bytes ran', () => {
    const manifest = buildManifest(fields());
    expect(manifest.strategy).toEqual({ name: `module:planThenSolve@${'b'.repeat(12)}`, program, templateVersions: { answerFormat: 'v2' } });
    expect(parseManifest(serializeManifest(manifest))).toEqual(manifest);
  });

  it('refuses a strategy block that does not describe spec.strategy, and a program recorded without its hash', () => {
    expect(issuesOf(() => buildManifest({ ...fields(), strategy: { name: 'rar2', templateVersions: {} } }))[0]).toMatch(/^strategy: does not describe spec.strategy \(module:planThenSolve@b{12}\)/);
    expect(issuesOf(() => buildManifest({ ...fields(), strategy: { name: `module:planThenSolve@${'b'.repeat(12)}`, program: { ...program, sha256: 'c'.repeat(64) }, templateVersions: {} } }))).toHaveLength(1);
    expect(issuesOf(() => buildManifest({ ...fields(), strategy: { name: 'module:x', templateVersions: {} } }))[0]).toMatch(/^strategy.name: /);
    const unhashed = fields({ module: '/srv/programs/plan.mjs', export: 'planThenSolve' });
    expect(issuesOf(() => buildManifest({ ...unhashed, strategy: { name: 'module:planThenSolve@unhashed', templateVersions: {} } }))).toContain('spec.strategy: a user-defined program is recorded with its absolute module path and sha256');
  });

  it('keeps built-in runs as they were: the name alone, no program', () => {
    const builtin = fields('rar2');
    expect(buildManifest({ ...builtin, strategy: { name: 'rar2', templateVersions: {} } }).strategy).toEqual({ name: 'rar2', templateVersions: {} });
  });
});
