import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, requireCsrf } from '../../../cli/dashboard/auth-middleware.js';
import { SessionStore } from '../../../cli/dashboard/session-store.js';

const TOKEN = 'csrf-test-token-0123456789';

/** The dashboard's auth and CSRF middleware in front of one state-changing route, over real HTTP. */
describe('dashboard CSRF check', () => {
  const sessions = new SessionStore();
  const changes: string[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(authenticate({ credentials: { token: TOKEN, basic: null, generated: false }, sessions }));
    app.post('/change', requireCsrf(), (_req: Request, res: Response) => {
      changes.push('changed');
      res.status(204).end();
    });
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => { resolve(listening); });
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${base}/change`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

  it('lets a same-origin form with its session\'s token through, and stops every other POST', async () => {
    const session = sessions.create();
    const other = sessions.create();
    const cookie = `s2d_dashboard_session=${session.id}`;
    const origin = base;
    const field = (token: string) => `_csrf=${encodeURIComponent(token)}`;

    expect((await post({}, field(session.csrfToken))).status).toBe(401);
    expect((await post({ cookie, origin }, '')).status).toBe(403);
    expect((await post({ cookie, origin }, field('wrong'))).status).toBe(403);
    expect((await post({ cookie, origin }, field(other.csrfToken))).status).toBe(403);
    expect((await post({ cookie, origin: 'http://evil.example' }, field(session.csrfToken))).status).toBe(403);
    expect((await post({ cookie }, field(session.csrfToken))).status).toBe(403);
    expect(changes).toEqual([]);

    expect((await post({ cookie, origin }, field(session.csrfToken))).status).toBe(204);
    expect((await post({ cookie, origin, 'x-csrf-token': session.csrfToken }, '')).status).toBe(204);
    expect(changes).toEqual(['changed', 'changed']);
  });

  it('gives a bearer-token client a session cookie but still asks it for the CSRF token', async () => {
    const response = await post({ authorization: `Bearer ${TOKEN}`, origin: base }, '');
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toMatch(/s2d_dashboard_session=.+; Path=\/; HttpOnly; SameSite=Strict/);
  });
});
