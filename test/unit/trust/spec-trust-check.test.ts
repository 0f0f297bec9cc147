import { describe, expect, it } from 'vitest';
import { runSpecSchema, type ResolvedRunSpec } from '../../../shared/config/run-spec.js';
import { firstRefusal, trustRequestsOfRun } from '../../../shared/trust/spec-trust-check.js';
import { readTrustPolicy } from '../../../shared/trust/trust-policy.js';

function spec(fields: Record<string, unknown>): ResolvedRunSpec {
  const parsed = runSpecSchema.parse({ input: '/in.jsonl', answerType: 'letters', model: { name: 'm' }, output: { dir: '/data/out' }, ...fields });
  return { ...parsed, runId: 'r', model: { ...parsed.model, baseUrl: parsed.model.baseUrl ?? 'http://127.0.0.1:8000/v1' } };
}

describe('the submit-time check against an advertised policy (lexical)', () => {
  const policy = readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: 'https://api.openai.com/v1=OPENAI_API_KEY', S2D_PROGRAM_PATHS: '/srv/programs', S2D_OUTPUT_ROOTS: '/data', S2D_S3_PREFIXES: 's3://bkt/team-a' });

  it('passes a spec inside the policy', () => {
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ model: { name: 'm', baseUrl: 'https://api.openai.com/v1' } })))).toBeNull();
  });

  it('names the first refused field: the model endpoint, the hand-off endpoint, then the program', () => {
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ model: { name: 'm', baseUrl: 'https://x.example/v1' } })))?.field).toBe('model.baseUrl');
    const handoff = { kind: 'openai', baseModel: 'b', baseUrl: 'https://ft.example/v1' };
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ model: { name: 'm', baseUrl: 'https://api.openai.com/v1' }, handoff })))?.field).toBe('handoff.baseUrl');
    const program = { module: '/home/me/p.mjs', export: 'p', sha256: 'a'.repeat(64) };
    const refusal = firstRefusal(policy, trustRequestsOfRun(spec({ model: { name: 'm', baseUrl: 'https://api.openai.com/v1' }, strategy: program })));
    expect(refusal?.field).toBe('strategy.module');
    expect(refusal?.message).toContain('/home/me/p.mjs is outside the allowed program paths: the workers load programs only from S2D_PROGRAM_PATHS=/srv/programs');
    const inside = { ...program, module: '/srv/programs/team-a/p.mjs' };
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ model: { name: 'm', baseUrl: 'https://api.openai.com/v1' }, strategy: inside })))).toBeNull();
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ model: { name: 'm', baseUrl: 'https://api.openai.com/v1' }, strategy: { ...program, module: '/srv/programs/../p.mjs' } })))?.field).toBe('strategy.module');
    const allowed = { model: { name: 'm', baseUrl: 'https://api.openai.com/v1' } };
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ ...allowed, output: { dir: '/data/../etc' } })))?.field).toBe('output.dir');
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ ...allowed, output: { uri: 's3://bkt/team-ab/x' } })))?.field).toBe('output.uri');
    expect(firstRefusal(policy, trustRequestsOfRun(spec({ ...allowed, output: { uri: 's3://bkt/team-a/x' } })))).toBeNull();
  });
});
