import { describe, expect, it } from 'vitest';
import { decideEndpoint, defaultEndpointGrants, parseEndpointGrants, submitterGrants, type EndpointGrants } from '../../../shared/trust/endpoint-grants.js';
import { authorizeEndpoint } from '../../../shared/trust/authorize-endpoint.js';
import { TrustRefusal } from '../../../shared/trust/trust-refusal.js';
import { readTrustPolicy } from '../../../shared/trust/trust-policy.js';
import { EnvError } from '../../../shared/config/env-error.js';

function listed(text: string): EndpointGrants {
  const grants = parseEndpointGrants(text);
  if ('problem' in grants) throw new Error(grants.problem);
  return { source: 'S2D_ALLOWED_ENDPOINTS', grants, loopbackWithoutKey: false };
}

describe('endpoint grants (S2D_ALLOWED_ENDPOINTS)', () => {
  const policy = listed('https://api.openai.com/v1=OPENAI_API_KEY, https://api.together.xyz/v1=S2D_API_KEY_TOGETHER http://vllm.internal:8000/v1');

  it('sends the bound key variable, whether the spec names it or leaves it to the workers', () => {
    expect(decideEndpoint(policy, { baseUrl: 'https://api.openai.com/v1' })).toEqual({ allowed: true, keyEnv: 'OPENAI_API_KEY' });
    expect(decideEndpoint(policy, { baseUrl: 'https://api.together.xyz/v1/', apiKeyEnv: 'S2D_API_KEY_TOGETHER' })).toEqual({ allowed: true, keyEnv: 'S2D_API_KEY_TOGETHER' });
    expect(decideEndpoint(policy, { baseUrl: 'http://vllm.internal:8000/v1' })).toEqual({ allowed: true });
  });

  it('refuses a key variable the endpoint is not bound to: the spec cannot steer a key to another endpoint', () => {
    expect(decideEndpoint(policy, { baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'OPENAI_API_KEY' })).toEqual({
      allowed: false,
      reason: 'key',
      detail: 'OPENAI_API_KEY may not be sent to https://api.together.xyz/v1: the workers bind that endpoint to S2D_API_KEY_TOGETHER',
    });
    expect(decideEndpoint(policy, { baseUrl: 'http://vllm.internal:8000/v1', apiKeyEnv: 'OPENAI_API_KEY' })).toMatchObject({ allowed: false, reason: 'key', detail: expect.stringMatching(/only without a key$/) as unknown });
  });

  it('matches on the origin a client would really reach, and on whole path segments', () => {
    const allowed = (baseUrl: string): boolean => decideEndpoint(policy, { baseUrl }).allowed;
    expect(allowed('HTTPS://API.OPENAI.COM:443/v1')).toBe(true); // case and default port
    expect(allowed('https://api.openai.com/v1/deployments/x')).toBe(true); // below the prefix
    expect(allowed('https://api.openai.com/v10')).toBe(false); // not a segment boundary
    expect(allowed('https://api.openai.com/v1/../v2')).toBe(false); // dot segments resolved first
    expect(allowed('https://api.openai.com/v1/%2e%2e/v2')).toBe(false);
    expect(allowed('https://api.openai.com.evil.example/v1')).toBe(false);
    expect(allowed('https://evil.example/api.openai.com/v1')).toBe(false);
    expect(allowed('http://api.openai.com/v1')).toBe(false); // other scheme, other origin
    expect(allowed('https://api.openai.com:8443/v1')).toBe(false);
    expect(allowed('http://vllm.internal:8001/v1')).toBe(false);
    expect(allowed('http://127.0.0.1:8080/v1')).toBe(false); // an explicit list has no loopback exception
    expect(allowed('file:///etc/passwd')).toBe(false);
    expect(allowed('not a url')).toBe(false);
  });

  it('lets the most specific grant decide the key, so one path of a host can have its own', () => {
    const split = listed('https://gw.example/v1=S2D_API_KEY_GW https://gw.example/v1/team-b=S2D_API_KEY_B');
    expect(decideEndpoint(split, { baseUrl: 'https://gw.example/v1/team-b' })).toEqual({ allowed: true, keyEnv: 'S2D_API_KEY_B' });
    expect(decideEndpoint(split, { baseUrl: 'https://gw.example/v1/team-a' })).toEqual({ allowed: true, keyEnv: 'S2D_API_KEY_GW' });
  });

  it('names the refused field and the allowed list in the refusal', () => {
    expect(() => authorizeEndpoint(policy, { baseUrl: 'http://10.0.0.9/v1' }, 'model')).toThrow(TrustRefusal);
    try {
      authorizeEndpoint(policy, { baseUrl: 'http://10.0.0.9/v1' }, 'handoff');
    } catch (error) {
      expect(error).toMatchObject({ field: 'handoff.baseUrl' });
      expect((error as Error).message).toBe(
        "refused by the workers' trust policy: handoff.baseUrl http://10.0.0.9/v1 is not an endpoint these workers allow (S2D_ALLOWED_ENDPOINTS: https://api.openai.com/v1 with OPENAI_API_KEY; https://api.together.xyz/v1 with S2D_API_KEY_TOGETHER; http://vllm.internal:8000/v1 without a key)",
      );
    }
    expect(() => authorizeEndpoint(policy, { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'S2D_API_KEY_X' }, 'model')).toThrow(/^refused by the workers' trust policy: model\.apiKeyEnv S2D_API_KEY_X may not be sent/);
  });

  it('refuses list entries it cannot read, saying which', () => {
    expect(parseEndpointGrants('https://a.example/v1=OPENAI_API_KEY ftp://b.example')).toEqual({ problem: expect.stringContaining('entry "ftp://b.example": not an http(s) URL') as unknown });
    expect(parseEndpointGrants('https://u:p@a.example/v1')).toEqual({ problem: expect.stringContaining('credentials') as unknown });
    expect(parseEndpointGrants('https://a.example/v1?x=1')).toEqual({ problem: expect.stringContaining('query') as unknown });
    expect(parseEndpointGrants('https://a.example/v1=not-a-var')).toEqual({ problem: expect.stringContaining('"not-a-var" is not an environment variable name') as unknown });
    expect(parseEndpointGrants(' , ')).toEqual({ problem: expect.stringContaining('none given') as unknown });
  });
});

describe('the default policy (no S2D_ALLOWED_ENDPOINTS)', () => {
  it("binds OPENAI_API_KEY to the worker's own OPENAI_BASE_URL and lets loopback endpoints go without a key", () => {
    const policy = defaultEndpointGrants('https://llm.corp.example/v1');
    expect(decideEndpoint(policy, { baseUrl: 'https://llm.corp.example/v1' })).toEqual({ allowed: true, keyEnv: 'OPENAI_API_KEY' });
    expect(decideEndpoint(policy, { baseUrl: 'http://127.0.0.1:41234/v1' })).toEqual({ allowed: true });
    expect(decideEndpoint(policy, { baseUrl: 'http://localhost:8000/v1' })).toEqual({ allowed: true });
    expect(decideEndpoint(policy, { baseUrl: 'http://[::1]:8000/v1' })).toEqual({ allowed: true });
    // The key-harvesting spec: a server of the submitter's choosing gets nothing, not even a request.
    expect(decideEndpoint(policy, { baseUrl: 'https://harvest.example/v1' })).toMatchObject({ allowed: false, reason: 'endpoint' });
    expect(decideEndpoint(policy, { baseUrl: 'http://localhost.harvest.example/v1' })).toMatchObject({ allowed: false, reason: 'endpoint' });
    // A loopback endpoint never gets a key it was not bound to.
    expect(decideEndpoint(policy, { baseUrl: 'http://127.0.0.1:41234/v1', apiKeyEnv: 'OPENAI_API_KEY' })).toMatchObject({ allowed: false, reason: 'key' });
  });

  it('binds OPENAI_API_KEY to api.openai.com when the worker has no OPENAI_BASE_URL', () => {
    expect(decideEndpoint(defaultEndpointGrants(undefined), { baseUrl: 'https://api.openai.com/v1' })).toEqual({ allowed: true, keyEnv: 'OPENAI_API_KEY' });
    expect(decideEndpoint(defaultEndpointGrants(undefined), { baseUrl: 'https://api.together.xyz/v1' }).allowed).toBe(false);
  });

  it("is what readTrustPolicy builds from an environment without the list; the list replaces it", () => {
    expect(readTrustPolicy({ OPENAI_BASE_URL: 'http://10.0.0.5:8000/v1' }).endpoints).toEqual(defaultEndpointGrants('http://10.0.0.5:8000/v1'));
    const explicit = readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: 'https://api.openai.com/v1=OPENAI_API_KEY', OPENAI_BASE_URL: 'http://10.0.0.5:8000/v1' }).endpoints;
    expect(explicit).toEqual({ source: 'S2D_ALLOWED_ENDPOINTS', grants: [{ prefix: 'https://api.openai.com/v1', keyEnv: 'OPENAI_API_KEY' }], loopbackWithoutKey: false });
    expect(() => readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: 'ftp://x' })).toThrow(EnvError);
    expect(() => readTrustPolicy({ S2D_ALLOWED_ENDPOINTS: 'ftp://x' })).toThrow(/^S2D_ALLOWED_ENDPOINTS must be a list of URL or URL=KEY_VARIABLE entries \(entry "ftp:\/\/x": not an http\(s\) URL\), got 'ftp:\/\/x'/);
  });

  it("a submitter's own process calls the spec's endpoint with the key variable the spec names", () => {
    expect(decideEndpoint(submitterGrants({ baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'S2D_API_KEY_T' }), { baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'S2D_API_KEY_T' })).toEqual({ allowed: true, keyEnv: 'S2D_API_KEY_T' });
    expect(decideEndpoint(submitterGrants({ baseUrl: 'https://api.together.xyz/v1' }), { baseUrl: 'https://api.together.xyz/v1' })).toEqual({ allowed: true, keyEnv: 'OPENAI_API_KEY' });
  });
});
