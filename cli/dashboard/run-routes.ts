import { Router, type Request, type Response } from 'express';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { outputLocation } from '../../shared/config/run-spec.js';
import type { RunRecord } from '../../shared/runs/run-store.js';
import type { QueueClients } from '../queue-clients.js';
import { applyRunControl, CONTROL_WORDS, refusalOf, RUN_CONTROLS, type RunControl } from '../run-control-actions.js';
import { requireCsrf, sessionOf } from './auth-middleware.js';
import { RunItemDigest } from './item-digest.js';
import { renderPage } from './pages/page-layout.js';
import { renderRunPage } from './pages/run-page.js';
import { renderRunsPage } from './pages/runs-page.js';
import type { RunSampler } from './run-sampler.js';

export interface RunRoutesDeps {
  clients: QueueClients;
  prefix: string;
  sampler: RunSampler;
}

const isControl = (value: string): value is RunControl => (RUN_CONTROLS as readonly string[]).includes(value);

/** The runs list, one run's page, and its control POSTs (behind authentication, the POSTs behind the CSRF check). */
export function runRoutes(deps: RunRoutesDeps): Router {
  const router = Router();
  // One digest per run and dataset version (a retry takes errored results out and stores new ones).
  const digests = new Map<string, RunItemDigest>();
  const digestOf = (run: RunRecord): RunItemDigest => {
    const key = `${run.runId}@${run.version}`;
    let digest = digests.get(key);
    if (digest === undefined) {
      digest = new RunItemDigest(openArtifactStore(outputLocation(run.spec)), run.runId);
      digests.set(key, digest);
    }
    return digest;
  };

  router.get('/', async (_req: Request, res: Response) => {
    const runs: RunRecord[] = [];
    for (const runId of await deps.clients.runs.list()) {
      const run = await deps.clients.runs.get(runId);
      if (run !== null) runs.push(run);
    }
    res.type('html').send(renderRunsPage(runs, deps.prefix, sessionOf(res)));
  });

  router.get('/runs/:runId', async (req: Request<{ runId: string }>, res: Response) => {
    const run = await deps.clients.runs.get(req.params.runId);
    if (run === null) {
      res.status(404).type('html').send(renderPage({ title: 'no such run', session: sessionOf(res), body: `<h1>No such run</h1><p><a href="/">All runs</a></p>` }));
      return;
    }
    const done = typeof req.query.done === 'string' && isControl(req.query.done) ? req.query.done : undefined;
    const flash = done === undefined ? undefined : req.query.already === '1' ? `already ${CONTROL_WORDS[done].already}` : CONTROL_WORDS[done].done;
    res.type('html').send(
      renderRunPage({ run, digest: await digestOf(run).update(), history: deps.sampler.history(run.runId), sampler: deps.sampler, session: sessionOf(res), flash }),
    );
  });

  router.post('/runs/:runId/:control', requireCsrf(), async (req: Request<{ runId: string; control: string }>, res: Response) => {
    const { runId, control } = req.params;
    if (!isControl(control)) {
      res.status(404).type('text').send(`no control ${control}: pause, resume or cancel\n`);
      return;
    }
    const outcome = await applyRunControl(deps.clients, control, runId, 's2d dashboard');
    if (!outcome.ok) {
      res.status(outcome.state === null ? 404 : 409).type('text').send(`${refusalOf(outcome, runId, deps.prefix) ?? 'refused'}\n`);
      return;
    }
    res.redirect(303, `/runs/${encodeURIComponent(runId)}?done=${control}${outcome.already ? '&already=1' : ''}`);
  });
  return router;
}
