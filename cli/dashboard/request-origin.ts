import { isLoopbackHost } from './dashboard-credentials.js';

/** The request headers these checks read (Node's IncomingHttpHeaders fits). */
export interface OriginHeaders {
  host?: string | undefined;
  origin?: string | undefined;
  referer?: string | undefined;
}

/**
 * Whether a state-changing request comes from a page of this dashboard: its `Origin` (else `Referer`) names the same
 * host and port as its `Host`. Browsers send `Origin` with every cross-origin POST, so a form on another site fails
 * here even before the CSRF token is checked; a request with neither header (not a browser) fails too.
 */
export function originMatchesHost(headers: OriginHeaders): boolean {
  const from = headers.origin ?? headers.referer;
  if (from === undefined || headers.host === undefined || from === 'null') return false;
  try {
    const url = new URL(from);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === headers.host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Whether a request to a dashboard bound on loopback names a loopback host: a page elsewhere that re-points its own
 * name at 127.0.0.1 (DNS rebinding) sends its own name in `Host`, and is turned away before authentication is tried.
 */
export function hostHeaderIsLoopback(headers: OriginHeaders): boolean {
  if (headers.host === undefined) return false;
  const host = headers.host.replace(/:\d+$/, '');
  return isLoopbackHost(host);
}
