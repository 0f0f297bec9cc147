import { parseArgs } from 'node:util';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { readEnv } from '../../shared/config/env.js';
import { outputLocation } from '../../shared/config/run-spec.js';
import { waitWithProgress, readBatchReport } from '../progress/run-progress.js';
import { RetryRefusedError, retryRun } from '../../producers/retry-run.js';
import { CliError } from '../cli-error.js';
import { readRunEndpoint } from '../../shared/limits/run-endpoint.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';
import { statusJson } from './status.js';

export const retryUsage = `s2d retry <runId> [--wait] [--json]
  Runs a published run's errored items again (same item ids, same call cache: completions they paid for before
  failing are not paid again while the cache lives, 7 days) and publishes a new version of the dataset under
  <name>/<runId>/v<N>/, whose manifest links the previous one (previousManifest); _LATEST moves to it. Safe to run
  again if interrupted. --wait shows progress until the new version is published.`;

export async function retryCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { wait: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const runId = positionals[0];
  if (runId === undefined) throw new CliError(`missing runId\n${retryUsage}`, 2);
  const env = readEnv();
  const clients = await openQueueClientsFromEnv(env, 'retry');
  try {
    const spec = await clients.runs.getSpec(runId);
    if (spec === null) throw new CliError(`no run ${runId} under prefix ${env.S2D_PREFIX}`);
    let outcome;
    try {
      outcome = await retryRun(runId, { runs: clients.runs, distillQueues: clients.distillQueues, store: openArtifactStore(outputLocation(spec)) });
    } catch (error) {
      if (error instanceof RetryRefusedError) throw new CliError(error.message);
      throw error;
    }
    if (values.json !== true) {
      process.stderr.write(
        outcome.retried === 0
          ? `${runId}: no errored items; nothing to retry\n`
          : `${runId}: ${outcome.resumed ? 'resumed retry of' : 'retrying'} ${outcome.retried} errored items as version ${outcome.version} (previous manifest ${outcome.previousManifest ?? '?'})\n`,
      );
    }
    if (values.wait === true && outcome.retried > 0) await waitWithProgress(clients, env.S2D_PREFIX, runId, values.json === true);
    const run = await clients.runs.get(runId);
    if (values.json === true) {
      const status = run === null ? null : statusJson(run, await readRunEndpoint(clients.redis, env.S2D_PREFIX, run.spec), await readBatchReport(clients.redis, env.S2D_PREFIX, run));
      process.stdout.write(`${JSON.stringify({ ...outcome, status })}\n`);
    } else {
      process.stdout.write(`${runId}\n`);
    }
    return 0;
  } finally {
    await clients.close();
  }
}
