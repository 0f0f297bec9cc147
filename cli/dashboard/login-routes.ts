import { Router, type Request, type Response } from 'express';
import { startSession, unauthorized, type AuthDeps } from './auth-middleware.js';
import { tokenMatches } from './dashboard-credentials.js';
import { renderLoginPage } from './pages/login-page.js';
import { originMatchesHost } from './request-origin.js';

/** A token login: a session cookie, then to the runs list (so the token leaves the address bar at once). */
function login(res: Response, deps: AuthDeps, token: unknown): void {
  if (typeof token !== 'string' || !tokenMatches(token, deps.credentials)) {
    unauthorized(res, deps.credentials, 'Wrong token.');
    return;
  }
  startSession(res, deps.sessions);
  res.redirect(303, '/');
}

/**
 * `GET /login` (the form; with `?token=` the login URL printed at start, as Jupyter does) and `POST /login` (the
 * form's submission, refused from another site's page: no login CSRF). Logging in creates a session and nothing else.
 */
export function loginRoutes(deps: AuthDeps): Router {
  const router = Router();
  router.get('/login', (req: Request, res: Response) => {
    if (req.query.token !== undefined) {
      login(res, deps, req.query.token);
      return;
    }
    res.type('html').send(renderLoginPage({ tokenLogin: deps.credentials.token !== null }));
  });
  router.post('/login', (req: Request, res: Response) => {
    if (!originMatchesHost(req.headers)) {
      res.status(403).type('text').send('forbidden: the login form must be sent from this dashboard\n');
      return;
    }
    // express types a parsed body as any: read it as unknown.
    const body: unknown = req.body;
    login(res, deps, typeof body === 'object' && body !== null ? (body as Record<string, unknown>).token : undefined);
  });
  return router;
}
