/**
 * Which LLM endpoints workers may call, and which API key variable each may receive. Pure: the policy is read from the
 * worker's environment at the edge (trust-policy.ts), never from a run spec.
 */

/** One allowed endpoint: a base URL or URL prefix, and the one key variable whose value may be sent to it. */
export interface EndpointGrant {
  /** Normalised URL prefix (lower-case origin, no trailing slash): matches itself and paths below it. */
  prefix: string;
  /** The variable whose value is sent as the API key; absent: requests go without a key. */
  keyEnv?: string;
}

export interface EndpointGrants {
  /** Where the grants came from: the operator's `S2D_ALLOWED_ENDPOINTS`, or the default for a worker without it. */
  source: 'S2D_ALLOWED_ENDPOINTS' | 'default' | 'submitter';
  grants: readonly EndpointGrant[];
  /** Default policy only: any loopback endpoint (127.0.0.1, localhost, ::1) may be called, without a key. */
  loopbackWithoutKey: boolean;
}

/** What a spec asks for: the endpoint, and the key variable it names (absent: whatever the grant binds). */
export interface EndpointRequest {
  baseUrl: string;
  apiKeyEnv?: string | undefined;
}

export type EndpointDecision =
  /** Allowed; send the value of `keyEnv` as the key, or no key when it is absent. */
  | { allowed: true; keyEnv?: string }
  | { allowed: false; reason: 'endpoint' | 'key'; detail: string };

const KEY_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where OPENAI_API_KEY belongs when the worker has no OPENAI_BASE_URL: the SDK's own default endpoint. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

interface NormalUrl {
  origin: string;
  path: string;
  hostname: string;
}

/** The origin and dot-segment-free path a client would really reach; undefined for anything but http(s). */
function normalise(url: string): NormalUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // WHATWG URL parsing already lower-cases the host, drops default ports and resolves `..` and `%2e%2e` segments,
  // so a prefix check on these parts cannot be walked out of.
  return { origin: parsed.origin, path: parsed.pathname.replace(/\/+$/, ''), hostname: parsed.hostname };
}

/**
 * Parses `S2D_ALLOWED_ENDPOINTS`: entries separated by commas or white space, each `URL` (called without a key) or
 * `URL=VARIABLE` (called with that variable's value as the key).
 *
 * @returns the grants, or the first problem as "what was expected" text for the setting's error message.
 */
export function parseEndpointGrants(text: string): EndpointGrant[] | { problem: string } {
  const grants: EndpointGrant[] = [];
  for (const entry of text.split(/[\s,]+/).filter((part) => part !== '')) {
    const at = entry.lastIndexOf('=');
    const url = at === -1 ? entry : entry.slice(0, at);
    const keyEnv = at === -1 ? undefined : entry.slice(at + 1);
    const normal = normalise(url);
    const problem =
      normal === undefined
        ? `not an http(s) URL`
        : /^[a-z]+:\/\/[^/]*@/i.test(url)
          ? 'a URL with credentials in it (keys belong in the variable after "=")'
          : url.includes('?') || url.includes('#')
            ? 'a URL with a query or fragment'
            : keyEnv !== undefined && !KEY_VAR.test(keyEnv)
              ? `"${keyEnv}" is not an environment variable name`
              : undefined;
    if (problem !== undefined || normal === undefined) {
      return { problem: `a list of URL or URL=KEY_VARIABLE entries (entry "${entry}": ${problem ?? 'not a URL'})` };
    }
    grants.push({ prefix: normal.origin + normal.path, ...(keyEnv === undefined ? {} : { keyEnv }) });
  }
  if (grants.length === 0) return { problem: 'a list of URL or URL=KEY_VARIABLE entries (none given)' };
  return grants;
}

/**
 * The policy of a worker without `S2D_ALLOWED_ENDPOINTS`: OPENAI_API_KEY goes only to the worker's own
 * OPENAI_BASE_URL (the SDK's default endpoint when unset), and loopback endpoints — the simulator, a local vLLM —
 * may be called without a key, so the quick start needs no configuration. No other endpoint is called.
 */
export function defaultEndpointGrants(workerBaseUrl: string | undefined): EndpointGrants {
  const normal = normalise(workerBaseUrl ?? OPENAI_DEFAULT_BASE_URL);
  const grants = normal === undefined ? [] : [{ prefix: normal.origin + normal.path, keyEnv: 'OPENAI_API_KEY' }];
  return { source: 'default', grants, loopbackWithoutKey: true };
}

/**
 * The grants of a submitter's own process (`s2d eval` finalising locally): its keys are its own, so it calls the
 * spec's endpoint with the variable the spec names, OPENAI_API_KEY by default. Never used on workers.
 */
export function submitterGrants(request: EndpointRequest): EndpointGrants {
  const normal = normalise(request.baseUrl);
  const grants = normal === undefined ? [] : [{ prefix: normal.origin + normal.path, keyEnv: request.apiKeyEnv ?? 'OPENAI_API_KEY' }];
  return { source: 'submitter', grants, loopbackWithoutKey: false };
}

function grantFor(policy: EndpointGrants, url: NormalUrl): EndpointGrant | undefined {
  let best: EndpointGrant | undefined;
  let bestLength = -1;
  for (const grant of policy.grants) {
    const prefix = normalise(grant.prefix);
    if (prefix?.origin !== url.origin) continue;
    const covers = prefix.path === '' || url.path === prefix.path || url.path.startsWith(`${prefix.path}/`);
    // The most specific grant wins, so an operator can bind one path of a host to a different key.
    if (covers && prefix.path.length > bestLength) {
      best = grant;
      bestLength = prefix.path.length;
    }
  }
  if (best === undefined && policy.loopbackWithoutKey && LOOPBACK_HOSTS.has(url.hostname)) return { prefix: url.origin };
  return best;
}

/** Whether a spec's endpoint may be called, and with which key variable. */
export function decideEndpoint(policy: EndpointGrants, request: EndpointRequest): EndpointDecision {
  const url = normalise(request.baseUrl);
  const grant = url === undefined ? undefined : grantFor(policy, url);
  if (grant === undefined) {
    return { allowed: false, reason: 'endpoint', detail: `${request.baseUrl} is not an endpoint these workers allow (${describeGrants(policy)})` };
  }
  if (request.apiKeyEnv !== undefined && request.apiKeyEnv !== grant.keyEnv) {
    const bound = grant.keyEnv === undefined ? 'allow that endpoint only without a key' : `bind that endpoint to ${grant.keyEnv}`;
    return { allowed: false, reason: 'key', detail: `${request.apiKeyEnv} may not be sent to ${request.baseUrl}: the workers ${bound}` };
  }
  return grant.keyEnv === undefined ? { allowed: true } : { allowed: true, keyEnv: grant.keyEnv };
}

/** The allowed endpoints in words, for refusals: what a submitter may name instead. */
export function describeGrants(policy: EndpointGrants): string {
  const parts = policy.grants.map((grant) => (grant.keyEnv === undefined ? `${grant.prefix} without a key` : `${grant.prefix} with ${grant.keyEnv}`));
  if (policy.loopbackWithoutKey) parts.push('loopback endpoints without a key');
  const list = parts.length === 0 ? 'none' : parts.join('; ');
  if (policy.source === 'default') return `allowed: ${list}; S2D_ALLOWED_ENDPOINTS is not set on the workers`;
  return policy.source === 'submitter' ? `this process calls only ${list}` : `S2D_ALLOWED_ENDPOINTS: ${list}`;
}
