import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { RedisConnection } from '../../shared/queue/redis-connection.js';
import { distillQueueName } from '../../shared/queue/distill-shard.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { QUEUES } from '../../shared/queue/queue-names.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { originMatchesHost } from './request-origin.js';

/** bull-board's own API is called by its page's scripts: a write must come from this dashboard's pages. */
const sameOriginWrites: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (req.method !== 'GET' && req.method !== 'HEAD' && !originMatchesHost(req.headers)) {
    res.status(403).type('text').send('forbidden: the request did not come from a page of this dashboard\n');
    return;
  }
  next();
};

/** bull-board's page may load what this process serves, and nothing from elsewhere. */
const BULL_BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/**
 * bull-board's page template links a web font from a CDN: the dashboard serves everything itself (and must work
 * offline), so external `<link>`s are taken out of the rendered page; the CSP above blocks anything else.
 */
const servedLocally: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
  res.setHeader('content-security-policy', BULL_BOARD_CSP);
  const render = res.render.bind(res);
  res.render = (view: string, options?: object) => {
    render(view, options ?? {}, (error: Error | null, html: string) => {
      if (error !== null) {
        next(error);
        return;
      }
      res.type('html').send(html.replace(/<link\b[^>]*\bhref="https?:\/\/[^"]*"[^>]*>/gi, ''));
    });
  };
  next();
};

/**
 * Mounts bull-board (the BullMQ queues: every distill shard of `queueShards`, publish, handoff, eval) at `basePath`, behind `guard` (the
 * dashboard's authentication). Read-only: deleting, retrying or promoting a job by hand would bypass the run store,
 * whose counters must see every item end exactly once — runs are changed with pause / resume / cancel / retry.
 */
export function mountBullBoard(app: Express, basePath: string, redis: RedisConnection, prefix: string, guard: RequestHandler, queueShards = 1): { close(): Promise<void> } {
  const distill = Array.from({ length: queueShards }, (_unused, shard) => distillQueueName(shard));
  const names = [...distill, ...Object.values(QUEUES).filter((name) => name !== QUEUES.distill), EVAL_QUEUE];
  const queues = names.map((name) => new Queue(name, queueOptions(redis, prefix, name)));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 's2d queues' } },
  });
  // getRouter() is typed any by bull-board; it is an express Router.
  app.use(basePath, guard, sameOriginWrites, servedLocally, serverAdapter.getRouter() as RequestHandler);
  return { close: async () => { await Promise.all(queues.map((queue) => queue.close())); } };
}
