import { parseArgs } from 'node:util';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { readEnv } from '../../shared/config/env.js';
import { loadRunSpecFile, resolveRunSpec, specBaseDir } from '../../shared/config/load-run-spec.js';
import { outputLocation } from '../../shared/config/run-spec.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { checkRedisSettings } from '../../shared/queue/check-redis-settings.js';
import { unrecognisedPromptsWarning } from '../../shared/runs/simulator-warning.js';
import { submitRun } from '../../producers/submit-run.js';
import { CliError } from '../cli-error.js';
import { readRunEndpoint } from '../../shared/limits/run-endpoint.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';
import { statusJson } from './status.js';
import { refuseWhatTheFleetRefuses } from '../fleet-trust-check.js';
import { waitWithProgress, readBatchReport } from '../progress/run-progress.js';
import { trustRequestsOfRun } from '../../shared/trust/spec-trust-check.js';

export const submitUsage = `s2d submit <spec.yaml|spec.json> [--wait] [--json]
  Validates the run spec, streams its input into the queue (idempotent: the same run submitted
  twice enqueues nothing new) and prints the run id. --wait shows progress on stderr until the dataset is published:
  %, items/s over the last 30 s, ETA, accepted/rejected (top reasons)/errored, LLM requests (429s), tokens, USD
  (with model.prices) and the endpoint's cap; a bar on a terminal, a line every 5 s elsewhere, and with --json one
  JSON object per second (NDJSON) — stdout then gets the final result object.`;

export async function submitCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { wait: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const specPath = positionals[0];
  if (specPath === undefined) throw new CliError(`missing run spec path\n${submitUsage}`);
  const env = readEnv();
  const spec = await resolveRunSpec(await loadRunSpecFile(specPath), {
    baseDir: specBaseDir(specPath),
    defaultBaseUrl: env.OPENAI_BASE_URL,
    specFile: specPath,
  });
  const clients = await openQueueClientsFromEnv(env, 'submit');
  try {
    for (const warning of await checkRedisSettings(clients.redis)) process.stderr.write(`s2d submit: warning: ${warning}\n`);
    await refuseWhatTheFleetRefuses(clients.redis, env.S2D_PREFIX, trustRequestsOfRun(spec), specPath);
    const outcome = await submitRun(spec, {
      runs: clients.runs,
      distillQueues: clients.distillQueues,
      publishQueue: clients.publishQueue,
      results: new ItemResultStore(openArtifactStore(outputLocation(spec))),
      maxBacklog: env.S2D_MAX_BACKLOG,
    });
    if (values.json !== true) {
      process.stderr.write(
        `${outcome.created ? 'submitted' : 're-submitted'} ${outcome.runId}: ${outcome.total} items, ${outcome.enqueued} newly enqueued, ` +
          `${outcome.rejectedAtInput} rejected while reading input\n`,
      );
    }
    if (values.wait === true) await waitWithProgress(clients, env.S2D_PREFIX, spec.runId, values.json === true);
    const run = await clients.runs.get(spec.runId);
    const warning = values.wait === true && run !== null ? unrecognisedPromptsWarning(run) : null;
    if (warning !== null) process.stderr.write(`s2d submit: ${warning}\n`);
    if (values.json === true) {
      const status = run === null ? null : statusJson(run, await readRunEndpoint(clients.redis, env.S2D_PREFIX, run.spec), await readBatchReport(clients.redis, env.S2D_PREFIX, run));
      process.stdout.write(`${JSON.stringify({ ...outcome, status })}\n`);
    } else {
      process.stdout.write(`${spec.runId}\n`);
    }
    return 0;
  } finally {
    await clients.close();
  }
}
