import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Env } from '../../shared/config/env.js';
import { CliError } from '../cli-error.js';
import { safeEqual } from './safe-equal.js';

/** Who may use the dashboard: a bearer token, basic-auth credentials, or both. Never neither. */
export interface DashboardCredentials {
  /** The bearer token (`Authorization: Bearer`, the login form, `/login?token=`); null when only basic auth is set. */
  token: string | null;
  basic: { user: string; password: string } | null;
  /** The token was made at start because nothing was configured (loopback only): its login URL is printed once. */
  generated: boolean;
}

/** Host names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

/**
 * The credentials from S2D_DASHBOARD_TOKEN and S2D_DASHBOARD_USER + S2D_DASHBOARD_PASSWORD. With neither, a loopback
 * host gets a random 192-bit token for this start (like Jupyter); any other host is refused: the dashboard shows
 * prompts and stops runs, so it never listens on a network without authentication.
 *
 * @throws {CliError} exit code 2, one line, on a non-loopback host without configured credentials.
 */
export function resolveDashboardCredentials(
  env: Pick<Env, 'S2D_DASHBOARD_TOKEN' | 'S2D_DASHBOARD_USER' | 'S2D_DASHBOARD_PASSWORD'>,
  host: string,
  makeToken: () => string = () => randomBytes(24).toString('base64url'),
): DashboardCredentials {
  const basic = env.S2D_DASHBOARD_USER !== undefined && env.S2D_DASHBOARD_PASSWORD !== undefined ? { user: env.S2D_DASHBOARD_USER, password: env.S2D_DASHBOARD_PASSWORD } : null;
  const token = env.S2D_DASHBOARD_TOKEN ?? null;
  if (token !== null || basic !== null) return { token, basic, generated: false };
  if (!isLoopbackHost(host)) {
    throw new CliError(
      `refusing to listen on ${host} without credentials: set S2D_DASHBOARD_TOKEN, or S2D_DASHBOARD_USER and S2D_DASHBOARD_PASSWORD (or use a loopback --host)`,
      2,
    );
  }
  return { token: makeToken(), basic: null, generated: true };
}

/** Whether a bearer token someone sent is the dashboard's (constant time). */
export function tokenMatches(given: string, credentials: DashboardCredentials): boolean {
  return credentials.token !== null && safeEqual(given, credentials.token);
}

/**
 * Whether an `Authorization` header carries valid credentials: `Bearer <token>` or `Basic <base64 user:password>`.
 * User and password are both compared whatever the first comparison said, so timing tells nothing about which failed.
 */
export function authorizationMatches(header: string | undefined, credentials: DashboardCredentials): boolean {
  if (header === undefined) return false;
  const space = header.indexOf(' ');
  if (space < 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return tokenMatches(value, credentials);
  if (scheme !== 'basic' || credentials.basic === null) return false;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = safeEqual(decoded.slice(0, colon), credentials.basic.user);
  const passwordOk = safeEqual(decoded.slice(colon + 1), credentials.basic.password);
  return userOk && passwordOk;
}
