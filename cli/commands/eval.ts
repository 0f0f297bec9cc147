import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { submitEval } from '../../producers/submit-eval.js';
import { EvalRefusedError, waitForEvalResult } from '../../producers/wait-for-eval-result.js';
import { readEnv } from '../../shared/config/env.js';
import { specBaseDir } from '../../shared/config/load-run-spec.js';
import { evalResultKey } from '../../shared/eval/eval-keys.js';
import type { EvalResult } from '../../shared/eval/eval-result.js';
import { EvalRunStore, type EvalRecord } from '../../shared/eval/eval-run-store.js';
import { loadEvalSpecFile, resolveEvalSpec } from '../../shared/eval/eval-spec.js';
import { EvalSetError } from '../../shared/eval/read-eval-set.js';
import { renderEvalTable } from '../../shared/eval/render-eval.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { buildEvalContext } from '../../workers/eval/eval-contexts.js';
import { finaliseEval } from '../../workers/eval/finalise-eval.js';
import { CliError } from '../cli-error.js';
import { refuseWhatTheFleetRefuses } from '../fleet-trust-check.js';
import { submitterGrants } from '../../shared/trust/endpoint-grants.js';
import { trustRequestsOfEval } from '../../shared/trust/spec-trust-check.js';
import { openQueueClientsFromEnv } from '../queue-clients.js';
import { readRunEndpoint } from '../../shared/limits/run-endpoint.js';
import { evalSnapshot } from '../progress/eval-progress.js';
import { defaultProgressOutput, ProgressPrinter } from '../progress/watch-progress.js';

export const evalUsage = `s2d eval <eval.yaml|eval.json> [--label L] [--no-wait] [--json]
  Evaluates a model with a strategy on a labelled set, as a batch job on the eval queue worked by
  \`s2d worker\` processes (start some). Idempotent: the same eval submitted twice is one eval. Waits for the
  result (evals/<evalId>/result.json in the spec's output dir) with progress on stderr (as submit --wait; NDJSON
  with --json) and prints it as a table; --json prints the result JSON; --no-wait prints the eval id only. --label names the report column (e.g. distilled).`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { label: { type: 'string' }, 'no-wait': { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const specPath = positionals[0];
  if (specPath === undefined) throw new CliError(`missing eval spec path\n${evalUsage}`);
  const env = readEnv();
  const loaded = await loadEvalSpecFile(specPath);
  const spec = await resolveEvalSpec(values.label === undefined ? loaded : { ...loaded, label: values.label }, {
    baseDir: specBaseDir(specPath),
    defaultBaseUrl: env.OPENAI_BASE_URL,
    specFile: specPath,
  });
  const clients = await openQueueClientsFromEnv(env, 'eval');
  const evalQueue = new Queue(EVAL_QUEUE, queueOptions(clients.redis, env.S2D_PREFIX, EVAL_QUEUE));
  const evals = new EvalRunStore(clients.redis, env.S2D_PREFIX);
  try {
    await refuseWhatTheFleetRefuses(clients.redis, env.S2D_PREFIX, trustRequestsOfEval(spec), specPath);
    // This process's own keys: it finalises the eval itself when no worker has.
    const context = buildEvalContext(spec, submitterGrants(spec.model));
    const outcome = await submitEval(spec, { evals, evalQueue, store: context.store }).catch((error: unknown) => {
      if (error instanceof EvalSetError) throw new CliError(error.message, 2);
      throw error;
    });
    process.stderr.write(`${outcome.created ? 'submitted' : 're-submitted'} eval ${outcome.evalId}: ${outcome.total} items, ${outcome.enqueued} enqueued\n`);
    if (values['no-wait'] === true) {
      process.stdout.write(values.json === true ? `${JSON.stringify(outcome)}\n` : `${outcome.evalId}\n`);
      return 0;
    }
    const printer = new ProgressPrinter({ output: defaultProgressOutput(process.stderr, values.json === true), stream: process.stderr });
    const showProgress = async (record: EvalRecord, finished: boolean): Promise<void> => {
      printer.show(evalSnapshot(record, await readRunEndpoint(clients.redis, env.S2D_PREFIX, record.spec)), finished);
    };
    const finalise = (total: number): Promise<EvalResult> => finaliseEval(spec, { store: context.store, evals, client: context.client, total });
    const result = await waitForEvalResult(spec.evalId, evals, finalise, {
      onProgress: showProgress,
      // Evals are worked by `s2d worker` processes; with none running this would wait silently for ever.
      onStall: (ms) => process.stderr.write(`\nno progress for ${ms / 1000} s: is an \`s2d worker\` running against this Redis and S2D_PREFIX?\n`),
    }).catch((error: unknown) => {
      if (error instanceof EvalRefusedError) throw new CliError(error.message, 2);
      throw error;
    });
    process.stdout.write(values.json === true ? `${JSON.stringify(result)}\n` : renderEvalTable(result));
    process.stderr.write(`result: ${context.store.locate(evalResultKey(spec.evalId))}\n`);
    return 0;
  } finally {
    await evalQueue.close();
    await clients.close();
  }
}
