import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../shared/config/env.js';
import { CliError } from '../../../cli/cli-error.js';
import { authorizationMatches, isLoopbackHost, resolveDashboardCredentials, tokenMatches } from '../../../cli/dashboard/dashboard-credentials.js';
import { hostHeaderIsLoopback, originMatchesHost } from '../../../cli/dashboard/request-origin.js';
import { safeEqual } from '../../../cli/dashboard/safe-equal.js';
import { readCookie, sessionCookie } from '../../../cli/dashboard/session-cookie.js';
import { SessionStore } from '../../../cli/dashboard/session-store.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const TOKEN = 'a-token-of-sixteen-chars';

describe('dashboard credentials', () => {
  it('compares secrets of any length without throwing', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('', 'secret')).toBe(false);
    expect(safeEqual('secret-and-more', 'secret')).toBe(false);
  });

  it('makes a token for a loopback host with nothing configured, and refuses any other host with exit code 2', () => {
    const none = { S2D_DASHBOARD_TOKEN: undefined, S2D_DASHBOARD_USER: undefined, S2D_DASHBOARD_PASSWORD: undefined };
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) {
      const made = resolveDashboardCredentials(none, host);
      expect(made.generated).toBe(true);
      expect(made.token?.length).toBeGreaterThanOrEqual(32);
    }
    expect(resolveDashboardCredentials(none, '127.0.0.1').token).not.toBe(resolveDashboardCredentials(none, '127.0.0.1').token);
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'dashboard.example.com']) {
      let error: unknown;
      try {
        resolveDashboardCredentials(none, host);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toContain(`refusing to listen on ${host} without credentials`);
    }
    const configured = resolveDashboardCredentials({ ...none, S2D_DASHBOARD_USER: 'ops', S2D_DASHBOARD_PASSWORD: 'a-long-password' }, '0.0.0.0');
    expect(configured).toEqual({ token: null, basic: { user: 'ops', password: 'a-long-password' }, generated: false });
  });

  it('accepts the right bearer token or basic credentials and nothing else', () => {
    const both = { token: TOKEN, basic: { user: 'ops', password: 'pass:with:colons' }, generated: false };
    expect(authorizationMatches(`Bearer ${TOKEN}`, both)).toBe(true);
    expect(authorizationMatches(`bearer ${TOKEN}`, both)).toBe(true);
    expect(authorizationMatches(`Bearer ${TOKEN}x`, both)).toBe(false);
    expect(authorizationMatches(basic('ops', 'pass:with:colons'), both)).toBe(true);
    expect(authorizationMatches(basic('ops', 'pass:with:colon'), both)).toBe(false);
    expect(authorizationMatches(basic('Ops', 'pass:with:colons'), both)).toBe(false);
    expect(authorizationMatches('Basic !!!', both)).toBe(false);
    expect(authorizationMatches(TOKEN, both)).toBe(false);
    expect(authorizationMatches(undefined, both)).toBe(false);
    const basicOnly = { token: null, basic: both.basic, generated: false };
    expect(authorizationMatches('Bearer ', basicOnly)).toBe(false);
    expect(tokenMatches('', basicOnly)).toBe(false);
    const tokenOnly = { token: TOKEN, basic: null, generated: false };
    expect(authorizationMatches(basic('ops', TOKEN), tokenOnly)).toBe(false);
  });

  it('tells loopback hosts from others', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.9.9.9', '::1', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.1', 'localhost.evil.com', '127.0.0.1.nip.io'].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });

  it('reads the settings from the environment, never echoing a rejected secret', () => {
    expect(readEnv({ S2D_DASHBOARD_TOKEN: TOKEN }).S2D_DASHBOARD_TOKEN).toBe(TOKEN);
    expect(() => readEnv({ S2D_DASHBOARD_TOKEN: 'short-secret' })).toThrow(/S2D_DASHBOARD_TOKEN must be at least 16 characters, got a value of 12 characters \(not shown\)/);
    expect(() => readEnv({ S2D_DASHBOARD_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => readEnv({ S2D_DASHBOARD_USER: 'ops', S2D_DASHBOARD_PASSWORD: 'tiny' })).toThrow(/S2D_DASHBOARD_PASSWORD must be at least 12 characters, got a value of 4/);
    expect(() => readEnv({ S2D_DASHBOARD_USER: 'ops' })).toThrow(/S2D_DASHBOARD_PASSWORD must be set too when S2D_DASHBOARD_USER is/);
    expect(() => readEnv({ S2D_DASHBOARD_PASSWORD: 'a-long-password' })).toThrow(/S2D_DASHBOARD_USER must be set too/);
    expect(() => readEnv({ S2D_DASHBOARD_USER: 'o:ps', S2D_DASHBOARD_PASSWORD: 'a-long-password' })).toThrow(/S2D_DASHBOARD_USER must be a name without ':'/);
  });
});

describe('dashboard sessions and request checks', () => {
  it('keeps a session until it expires, and drops the oldest beyond the cap', () => {
    let now = 1_000;
    const store = new SessionStore({ ttlMs: 100, maxSessions: 2, now: () => now });
    const first = store.create();
    expect(first.id).not.toBe(first.csrfToken);
    expect(store.get(first.id)).toBe(first);
    expect(store.get('made-up')).toBeNull();
    expect(store.get(undefined)).toBeNull();
    now += 100;
    expect(store.get(first.id)).toBeNull();
    const a = store.create();
    const b = store.create();
    const c = store.create();
    expect([store.get(a.id), store.get(b.id), store.get(c.id)]).toEqual([null, b, c]);
    store.delete(b.id);
    expect(store.get(b.id)).toBeNull();
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and reads it back', () => {
    const cookie = sessionCookie('abc', 60);
    expect(cookie).toMatch(/^s2d_dashboard_session=abc; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(readCookie('other=1; s2d_dashboard_session=abc; x=y', 's2d_dashboard_session')).toBe('abc');
    expect(readCookie('s2d_dashboard_session_x=abc', 's2d_dashboard_session')).toBeUndefined();
  });

  it('accepts a state change only from a page of the same host and port', () => {
    const host = '127.0.0.1:8321';
    expect(originMatchesHost({ host, origin: 'http://127.0.0.1:8321' })).toBe(true);
    expect(originMatchesHost({ host, referer: 'http://127.0.0.1:8321/runs/r1' })).toBe(true);
    expect(originMatchesHost({ host, origin: 'http://127.0.0.1:8322' })).toBe(false);
    expect(originMatchesHost({ host, origin: 'https://evil.example' })).toBe(false);
    expect(originMatchesHost({ host, origin: 'null' })).toBe(false);
    expect(originMatchesHost({ host })).toBe(false);
    expect(originMatchesHost({ origin: 'http://127.0.0.1:8321' })).toBe(false);
    expect(hostHeaderIsLoopback({ host })).toBe(true);
    expect(hostHeaderIsLoopback({ host: '[::1]:8321' })).toBe(true);
    expect(hostHeaderIsLoopback({ host: 'rebound.evil.example:8321' })).toBe(false);
  });
});
