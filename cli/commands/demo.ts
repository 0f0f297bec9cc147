import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import { readEnv } from '../../shared/config/env.js';
import { resolveRunSpec } from '../../shared/config/load-run-spec.js';
import { MAX_SAMPLES, outputLocation, runSpecSchema, type ResolvedRunSpec } from '../../shared/config/run-spec.js';
import { datasetFolder, manifestKey } from '../../shared/dataset/dataset-layout.js';
import { parseManifest, type Manifest } from '../../shared/dataset/manifest.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { datasetLabelAccuracy } from '../../shared/eval/dataset-label-accuracy.js';
import { readLabels } from '../../shared/eval/labelled-item.js';
import { createLogger } from '../../shared/logger.js';
import { submitRun } from '../../producers/submit-run.js';
import { fractionFlag, intFlag } from '../flag-values.js';
import { openQueueClients, type QueueClients } from '../queue-clients.js';
import { CliError } from '../cli-error.js';
import { spawnWorkerProcess, type WorkerProcess } from '../spawn-worker-process.js';
import { formatDemoTable, type DemoSummary } from '../demo/demo-summary.js';
import { demoCost } from '../demo/demo-cost.js';
import type { PaidCounters } from '../../shared/cost/cost-summary.js';
import { paidCountersOf } from '../../shared/runs/run-store.js';
import type { SamplingOutcome } from '../demo/adaptive-comparison.js';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { evaluateBaselines } from '../demo/evaluate-baselines.js';
import { prepareDemoInputs } from '../demo/prepare-demo-inputs.js';
import { startEmbeddedServices } from '../demo/embedded-services.js';
import { compareBatchRun } from '../demo/batch-comparison.js';
import { startDemoS3, type DemoS3 } from '../demo/demo-s3.js';
import { unrecognisedPromptsWarning } from '../../shared/runs/simulator-warning.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { waitWithProgress } from '../progress/run-progress.js';
import { parseReplyStyle } from '../reply-style-flag.js';

export const demoUsage = `s2d demo [--json] [--items N] [--eval-items N] [--workers N] [--samples N] [--min-agreement F] [--out DIR] [--s3]
         [--reply-style terse|free|mixed] [--no-adaptive] [--batch]
  Distils 2-step Rephrase-and-Respond on the built-in last-letter and coin-flip tasks end to end:
  private redis-server (unless REDIS_URL), the LLM simulator (unless OPENAI_BASE_URL), N worker
  processes, a published dataset, then System 1 vs System 2 vs curated-label accuracy on held-out items.
  Defaults: 300 items and 200 held-out items per task, 2 workers, 8 samples, min agreement 0.5,
  --out .s2d/demo. --s3 publishes to s3://s2d-demo/datasets on a private local S3 server (s3rver)
  and prints the s3:// URIs of the manifest and shards. --reply-style sets how the simulator words its
  replies: terse (labelled "Answer:" lines), free (chat-model prose) or mixed (default: 70% free).
  The same items are then distilled again with adaptive sampling, and requests, tokens and USD (example
  prices on the simulator) per accepted example are compared (with --samples 4 or more); --no-adaptive
  skips that second run. --batch distils the same items once more through the endpoint's Batch API
  (model.mode: batch; the simulator's is simulated, with short delays) and prints its cost next to the
  online run's at the documented batch price (half the online price), and the batch rounds per item.`;

const ZERO_PAID: PaidCounters = { requests: 0, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 };

function manifestPaid(manifest: Manifest): PaidCounters | null {
  const paid = manifest.cost?.paid;
  return paid === undefined ? null : { requests: paid.requests, promptTokens: paid.promptTokens, completionTokens: paid.completionTokens, cachedPromptTokens: paid.cachedPromptTokens };
}

/** One published run of the demo as the fixed vs adaptive comparison shows it, from its manifest. */
async function samplingOutcome(store: ArtifactStore, spec: ResolvedRunSpec, labels: Awaited<ReturnType<typeof readLabels>>, simulated: boolean): Promise<SamplingOutcome> {
  const bytes = await store.get(manifestKey(spec.name, spec.runId));
  if (bytes === null) throw new Error(`run ${spec.runId} is published but its manifest is missing`);
  const manifest = parseManifest(JSON.parse(Buffer.from(bytes).toString('utf8')));
  const accuracy = await datasetLabelAccuracy(store, datasetFolder(spec.name, spec.runId), labels);
  const inputs = manifest.counts.inputs;
  return {
    runId: spec.runId,
    accepted: manifest.counts.accepted,
    labelAccuracy: accuracy.accuracy,
    samplesPerItem: inputs === 0 ? 0 : (manifest.sampling?.drawn ?? 0) / inputs,
    cost: demoCost(manifestPaid(manifest) ?? ZERO_PAID, manifest.counts.accepted, simulated),
  };
}

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      items: { type: 'string' },
      'eval-items': { type: 'string' },
      workers: { type: 'string' },
      samples: { type: 'string' },
      'min-agreement': { type: 'string' },
      out: { type: 'string' },
      s3: { type: 'boolean' },
      'no-adaptive': { type: 'boolean' },
      'reply-style': { type: 'string' },
      batch: { type: 'boolean' },
    },
    strict: true,
  });
  const replyStyle = parseReplyStyle(values['reply-style'], 'mixed');
  const itemsPerTask = intFlag(values.items, '--items', 300, 1);
  const evalItemsPerTask = intFlag(values['eval-items'], '--eval-items', 200, 1);
  const workerCount = intFlag(values.workers, '--workers', 2, 1);
  const samples = intFlag(values.samples, '--samples', 8, 1, MAX_SAMPLES);
  const minAgreement = fractionFlag(values['min-agreement'], '--min-agreement', 0.5);
  const json = values.json === true;
  const say = (line: string): void => {
    if (!json) process.stderr.write(`${line}\n`);
  };
  const env = readEnv();
  const logger = createLogger(env.S2D_LOG_LEVEL === 'info' ? 'warn' : env.S2D_LOG_LEVEL, 's2d-demo');
  const started = Date.now();
  const outDir = resolve(values.out ?? '.s2d/demo');
  const runId = `demo-${new Date(started).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').toLowerCase()}`;
  await mkdir(outDir, { recursive: true });

  // The embedded simulator's batches take seconds, not its default minutes' worth of phases, so --batch stays a demo.
  const services = await startEmbeddedServices(env, say, { behaviour: { replyStyle }, batch: { validatingMs: 200, completionDelayMs: 1_000, finalizingMs: 200 } });
  const workers: WorkerProcess[] = [];
  let clients: QueueClients | undefined;
  let demoS3: DemoS3 | undefined;
  try {
    if (values.s3 === true) demoS3 = await startDemoS3(say);
    clients = await openQueueClients(services.redisUrl, env.S2D_PREFIX, { tls: services.redisTls, mode: services.redisMode, queueShards: env.S2D_QUEUE_SHARDS });
    const inputs = await prepareDemoInputs({ dir: resolve(outDir, 'inputs', runId), itemsPerTask, evalItemsPerTask });
    // The demo's run, and the same items again with adaptive sampling (the comparison's second run).
    const demoSpec = (id: string, adaptive: boolean, batch = false): Promise<ResolvedRunSpec> =>
      resolveRunSpec(
        runSpecSchema.parse({
          runId: id,
          name: adaptive ? 'demo-adaptive' : batch ? 'demo-batch' : 'demo',
          input: inputs.train.inputs,
          answerType: 'letters',
          strategy: 'rar2',
          model: { name: services.modelName, baseUrl: services.baseUrl, ...(batch ? { mode: 'batch', batch: { pollMs: services.simulated ? 250 : 30_000 } } : {}) },
          sampling: { samples, temperature: 0.8, maxTokens: 512, seed: 1, ...(adaptive ? { adaptive: true } : {}) },
          curation: { minAgreement },
          output: demoS3 === undefined ? { dir: resolve(outDir, 'datasets'), validationFraction: 0.1 } : { uri: demoS3.outputUri, validationFraction: 0.1 },
        }),
        { baseDir: outDir, defaultBaseUrl: services.baseUrl },
      );
    const spec = await demoSpec(runId, false);
    for (let i = 0; i < workerCount; i += 1) {
      workers.push(
        spawnWorkerProcess({
          ...process.env,
          ...services.redisEnv,
          S2D_PREFIX: env.S2D_PREFIX,
          S2D_LOG_LEVEL: env.S2D_LOG_LEVEL === 'info' ? 'warn' : env.S2D_LOG_LEVEL,
          // The demo is the operator of these workers: they may write where it publishes and nowhere else.
          S2D_OUTPUT_ROOTS: outDir,
          ...demoS3?.env,
        }),
      );
    }
    say(`distilling ${itemsPerTask * 2} items (rar2 × ${samples} samples) with ${workerCount} worker processes…`);
    const distillStarted = Date.now();
    const store = openArtifactStore(outputLocation(spec));
    await submitRun(spec, {
      runs: clients.runs,
      distillQueues: clients.distillQueues,
      publishQueue: clients.publishQueue,
      results: new ItemResultStore(store),
      maxBacklog: env.S2D_MAX_BACKLOG,
    });
    const workersGone = watchWorkers(workers);
    const queueClients = clients;
    // Progress on stderr unless the output is JSON; the wait ends early, with the reason, if every worker exits.
    const waitFor = (id: string): Promise<unknown> =>
      Promise.race([json ? waitForPublication(queueClients.runs, id, 200) : waitWithProgress(queueClients, env.S2D_PREFIX, id, false, 200), workersGone.failed]);
    await waitFor(runId);
    const distillMs = Date.now() - distillStarted;
    const trainLabels = await readLabels(inputs.train.labels);
    // The default Beta rule (confidence 0.95) needs 4 agreeing samples: with fewer there is nothing to stop early.
    const compare = values['no-adaptive'] !== true && samples >= 4;
    if (values['no-adaptive'] !== true && !compare) say(`not comparing with adaptive sampling: it needs at least 4 samples to stop early (got --samples ${samples})`);
    const adaptiveRun = compare ? await demoSpec(`${runId}-adaptive`, true) : null;
    const adaptiveStarted = Date.now();
    if (adaptiveRun !== null) {
      say(`distilling the same items again with adaptive sampling (sampling.adaptive: true, at most ${samples} samples)…`);
      await submitRun(adaptiveRun, { runs: clients.runs, distillQueues: clients.distillQueues, publishQueue: clients.publishQueue, results: new ItemResultStore(store), maxBacklog: env.S2D_MAX_BACKLOG });
      await waitFor(adaptiveRun.runId);
    }
    const adaptiveMs = Date.now() - adaptiveStarted;
    const batchRun = values.batch === true ? await demoSpec(`${runId}-batch`, false, true) : null;
    const batchStarted = Date.now();
    if (batchRun !== null) {
      say(`distilling the same items again through the Batch API (model.mode: batch)…`);
      await submitRun(batchRun, { runs: clients.runs, distillQueues: clients.distillQueues, publishQueue: clients.publishQueue, results: new ItemResultStore(store), maxBacklog: env.S2D_MAX_BACKLOG });
      await waitFor(batchRun.runId);
    }
    const batchMs = Date.now() - batchStarted;
    const published = await clients.runs.get(runId);
    const warning = published === null ? null : unrecognisedPromptsWarning(published);
    if (warning !== null) process.stderr.write(`s2d demo: ${warning}\n`);

    say('evaluating System 1 and System 2 on held-out items (eval queue, same workers)…');
    const evalStarted = Date.now();
    const baselines = await Promise.race([workersGone.failed, evaluateBaselines({
      inputs: inputs.heldOut,
      baseUrl: services.baseUrl,
      model: services.modelName,
      clients,
      prefix: env.S2D_PREFIX,
      outDir: resolve(outDir, 'datasets'),
    })]);
    const evalMs = Date.now() - evalStarted;
    workersGone.stop();
    await Promise.all(workers.map((worker) => worker.stop()));

    const folder = datasetFolder(spec.name, runId);
    const manifestPath = store.locate(manifestKey(spec.name, runId));
    const manifestBytes = await store.get(manifestKey(spec.name, runId));
    if (manifestBytes === null) throw new Error(`run ${runId} is published but ${manifestPath} is missing`);
    const manifest = parseManifest(JSON.parse(Buffer.from(manifestBytes).toString('utf8')));
    const labels = await datasetLabelAccuracy(store, folder, trainLabels);
    const run = await clients.runs.get(runId);
    const summary: DemoSummary = {
      runId,
      simulator: services.simulated,
      model: services.modelName,
      datasetDir: store.locate(folder),
      ...(demoS3 === undefined
        ? {}
        : { shards: manifest.files.filter((f) => f.role === 'train' || f.role === 'validation').map((f) => store.locate(`${folder}/${f.path}`)) }),
      manifest: manifestPath,
      items: manifest.counts.inputs,
      accepted: manifest.counts.accepted,
      rejected: manifest.counts.rejected,
      errored: manifest.counts.errored,
      acceptanceRate: manifest.counts.inputs === 0 ? 0 : manifest.counts.accepted / manifest.counts.inputs,
      labelAccuracy: labels.accuracy,
      system1: baselines.system1.overall,
      system2: baselines.system2.overall,
      byTask: Object.fromEntries(
        Object.keys(baselines.system1.byTask).map((task) => [
          task,
          {
            system1: baselines.system1.byTask[task],
            system2: baselines.system2.byTask[task],
            dataset: labels.byTask[task],
          },
        ]),
      ),
      tokens: { distillPrompt: manifest.tokens.prompt, distillCompletion: manifest.tokens.completion, llmRequests: run?.llmRequests ?? 0 },
      // The manifest's paid totals are the run store's counters at publication (retries included).
      cost: demoCost(manifestPaid(manifest) ?? (run === null ? ZERO_PAID : paidCountersOf(run)), manifest.counts.accepted, services.simulated),
      ...(adaptiveRun === null
        ? {}
        : {
            adaptive: {
              maxSamples: samples,
              fixed: await samplingOutcome(store, spec, trainLabels, services.simulated),
              adaptive: await samplingOutcome(store, adaptiveRun, trainLabels, services.simulated),
            },
          }),
      ...(batchRun === null ? {} : { batch: await compareBatchRun(store, { name: spec.name, runId }, { name: batchRun.name, runId: batchRun.runId }, services.simulated) }),
      workers: workerCount,
      samples,
      timingsMs: { distill: distillMs, ...(adaptiveRun === null ? {} : { adaptive: adaptiveMs }), ...(batchRun === null ? {} : { batch: batchMs }), eval: evalMs, total: Date.now() - started },
    };
    process.stdout.write(json ? `${JSON.stringify(summary)}\n` : formatDemoTable(summary));
    return 0;
  } catch (error) {
    for (const worker of workers) {
      const tail = worker.stderrTail().trim();
      if (tail !== '') logger.error({ workerPid: worker.child.pid, stderr: tail.slice(-2_000) }, 'worker output');
    }
    throw error;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop(5_000)));
    await clients?.close();
    await demoS3?.stop();
    await services.stop();
  }
}

/**
 * `failed` rejects, with the last log line of each, once every worker process has exited while the demo still needs
 * them (a crash at start, a bad setting): the demo then stops with the reason instead of waiting for ever.
 * `stop()` before stopping them on purpose.
 */
function watchWorkers(workers: readonly WorkerProcess[]): { failed: Promise<never>; stop(): void } {
  let stopped = false;
  const failed = Promise.all(workers.map((worker) => worker.exited)).then((codes): Promise<never> => {
    // Stopped on purpose: never settles, so nothing waits on it any more.
    if (stopped) return new Promise<never>(() => undefined);
    const logs = workers.map((worker, i) => `worker ${i + 1} (exit ${String(codes[i])}): ${worker.stderrTail().trim().split('\n').at(-1) ?? ''}`);
    throw new CliError(`every worker process exited before the demo finished: ${logs.join('; ')}`);
  });
  // Raced where the demo waits; marked handled so a failure between waits is not an unhandled rejection.
  failed.catch(() => undefined);
  return {
    failed,
    stop: () => {
      stopped = true;
    },
  };
}
