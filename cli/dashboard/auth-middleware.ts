import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authorizationMatches, type DashboardCredentials } from './dashboard-credentials.js';
import { renderLoginPage } from './pages/login-page.js';
import { originMatchesHost } from './request-origin.js';
import { safeEqual } from './safe-equal.js';
import { readCookie, SESSION_COOKIE, sessionCookie } from './session-cookie.js';
import type { Session, SessionStore } from './session-store.js';

export interface AuthDeps {
  credentials: DashboardCredentials;
  sessions: SessionStore;
}

/** The session `authenticate` attached to this response; throws when a route forgot to authenticate first. */
export function sessionOf(res: Response): Session {
  const session: unknown = res.locals.session;
  if (typeof session !== 'object' || session === null) throw new Error('route reached without authentication');
  return session as Session;
}

/** Starts a session for a browser that just proved who it is, and sets its cookie. */
export function startSession(res: Response, sessions: SessionStore): Session {
  const session = sessions.create();
  res.setHeader('set-cookie', sessionCookie(session.id, sessions.maxAgeSeconds));
  res.locals.session = session;
  return session;
}

/** The 401 answer: the login form where a token works, and the challenge that makes a browser ask for basic auth. */
export function unauthorized(res: Response, credentials: DashboardCredentials, problem?: string): void {
  res.setHeader('www-authenticate', credentials.basic !== null ? 'Basic realm="s2d dashboard", charset="UTF-8"' : 'Bearer realm="s2d dashboard"');
  res.status(401).type('html').send(renderLoginPage({ tokenLogin: credentials.token !== null, problem }));
}

/**
 * Every route but the login page goes through here: a live session cookie, or valid `Authorization` credentials
 * (which start a session, so a browser on basic auth gets a CSRF token too); anything else is 401.
 */
export function authenticate(deps: AuthDeps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = deps.sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (session !== null) {
      res.locals.session = session;
      next();
      return;
    }
    if (authorizationMatches(req.headers.authorization, deps.credentials)) {
      startSession(res, deps.sessions);
      next();
      return;
    }
    unauthorized(res, deps.credentials);
  };
}

/** The CSRF token a form sent (`_csrf` field) or a script sent (`X-CSRF-Token` header). */
function sentCsrfToken(req: Request): string | undefined {
  // express types a parsed body as any: it is whatever the client sent, so read it as unknown.
  const body: unknown = req.body;
  const field = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)._csrf : undefined;
  if (typeof field === 'string') return field;
  const header = req.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

/**
 * For state-changing routes, after {@link authenticate}: the request must come from this dashboard's own pages
 * (Origin/Referer matches Host) and carry the CSRF token bound to its session (compared in constant time); else 403.
 */
export function requireCsrf(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!originMatchesHost(req.headers)) {
      res.status(403).type('text').send('forbidden: the request did not come from a page of this dashboard (Origin does not match Host)\n');
      return;
    }
    const sent = sentCsrfToken(req);
    if (sent === undefined || !safeEqual(sent, sessionOf(res).csrfToken)) {
      res.status(403).type('text').send('forbidden: missing or wrong CSRF token; reload the page and try again\n');
      return;
    }
    next();
  };
}
