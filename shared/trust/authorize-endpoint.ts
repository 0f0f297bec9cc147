import { decideEndpoint, type EndpointGrants, type EndpointRequest } from './endpoint-grants.js';
import { TrustRefusal } from './trust-refusal.js';

/**
 * The key variable whose value may go with requests to a spec's endpoint (undefined: none), checked against the
 * worker's grants before any client exists, so a refused endpoint never receives a request at all.
 *
 * @param section the spec section that names the endpoint (`model`, `handoff`, `judge`), for the refusal's field.
 * @throws {TrustRefusal} naming `<section>.baseUrl` for an endpoint outside the grants, `<section>.apiKeyEnv` for a
 *   key variable the grants do not bind to it.
 */
export function authorizeEndpoint(grants: EndpointGrants, request: EndpointRequest, section: string): string | undefined {
  const decision = decideEndpoint(grants, request);
  if (!decision.allowed) throw new TrustRefusal(`${section}.${decision.reason === 'endpoint' ? 'baseUrl' : 'apiKeyEnv'}`, decision.detail);
  return decision.keyEnv;
}
