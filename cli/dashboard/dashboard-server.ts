import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describeRedisError, isRedisCommandError } from '../../shared/queue/describe-redis-error.js';
import type { QueueClients } from '../queue-clients.js';
import { authenticate, requireCsrf, sessionOf } from './auth-middleware.js';
import { mountBullBoard } from './bull-board-mount.js';
import { isLoopbackHost, type DashboardCredentials } from './dashboard-credentials.js';
import { loginRoutes } from './login-routes.js';
import { hostHeaderIsLoopback } from './request-origin.js';
import { RunSampler } from './run-sampler.js';
import { runRoutes } from './run-routes.js';
import { clearedSessionCookie } from './session-cookie.js';
import { SessionStore } from './session-store.js';

export interface DashboardServerOptions {
  /** Address to listen on. A non-loopback address needs configured credentials (see resolveDashboardCredentials). */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  credentials: DashboardCredentials;
  clients: QueueClients;
  /** The Redis key prefix of the runs and queues shown. */
  prefix: string;
  /** How often live runs' counters are sampled for the charts, ms. Default 5000. */
  sampleIntervalMs?: number;
}

export interface DashboardServer {
  /** `http://host:port/`. */
  url: string;
  /** The login URL with the token made at start; null when the credentials were configured (never printed then). */
  loginUrl: string | null;
  close(): Promise<void>;
}

/** The dashboard's own pages run nothing and load nothing from elsewhere; forms post only to the dashboard. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  // Pages show prompts and outputs: never cached, never framed, never named in a Referer sent elsewhere. Not
  // no-referrer: with it browsers send `Origin: null` on the dashboard's own form POSTs, which the CSRF check refuses.
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'same-origin');
  next();
}

/**
 * The web dashboard: the runs, one run's page, its controls, and bull-board at /queues, everything behind the same
 * authentication (and the controls behind the CSRF check).
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const sessions = new SessionStore();
  const auth = { credentials: options.credentials, sessions };
  const sampler = new RunSampler({ runs: options.clients.runs, ...(options.sampleIntervalMs === undefined ? {} : { intervalMs: options.sampleIntervalMs }) });
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  if (isLoopbackHost(options.host)) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (hostHeaderIsLoopback(req.headers)) next();
      else res.status(421).type('text').send('misdirected request: this dashboard answers only to a loopback host name\n');
    });
  }
  app.use(express.urlencoded({ extended: false, limit: '8kb' }));
  const pages = (_req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('content-security-policy', PAGE_CSP);
    next();
  };
  // Browsers ask for it on every page; no icon, and no 404 in their consoles.
  app.get('/favicon.ico', (_req: Request, res: Response) => { res.status(204).end(); });
  app.use(pages, loginRoutes(auth));
  const bullBoard = mountBullBoard(app, '/queues', options.clients.redis, options.prefix, authenticate(auth), options.clients.distillQueues.all.length);
  app.use(authenticate(auth), pages);
  app.post('/logout', requireCsrf(), (_req: Request, res: Response) => {
    sessions.delete(sessionOf(res).id);
    res.setHeader('set-cookie', clearedSessionCookie());
    res.redirect(303, '/login');
  });
  app.use(runRoutes({ clients: options.clients, prefix: options.prefix, sampler }));
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text').send('not found\n');
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // The message may name a storage path or echo a Redis command: it goes to the operator's terminal, not the page.
    process.stderr.write(`s2d dashboard: ${isRedisCommandError(error) ? describeRedisError(error) : error instanceof Error ? error.message : String(error)}\n`);
    res.status(500).type('text').send('dashboard error: see the dashboard\'s stderr\n');
  });

  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, (error?: Error) => {
      if (error === undefined) resolve(listening);
      else reject(error);
    });
  });
  sampler.start();
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}/`;
  const token = options.credentials.token;
  return {
    url,
    loginUrl: options.credentials.generated && token !== null ? `${url}login?token=${encodeURIComponent(token)}` : null,
    close: async () => {
      await sampler.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      await bullBoard.close();
    },
  };
}
