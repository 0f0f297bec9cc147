/**
 * s2d as a library: submit distillation runs, run workers and collect datasets from your own Node code, with types.
 * Everything here is what the `s2d` commands use; see README "Use as a library".
 */
import { openArtifactStore } from './shared/artifacts/open-artifact-store.js';
import { outputLocation, type ResolvedRunSpec } from './shared/config/run-spec.js';
import { readRedisTls, type RedisTls } from './shared/config/redis-tls.js';
import { readEnv } from './shared/config/env.js';
import { ItemResultStore } from './shared/dataset/read-item-results.js';
import { asStrategy } from './shared/strategies/program-shape.js';
import type { Strategy } from './shared/strategies/strategy.js';
import { submitRun as submitRunToQueues, type SubmitOutcome } from './producers/submit-run.js';
import { openQueueClients, type QueueClients } from './cli/queue-clients.js';
import { downloadDataset, type DownloadedDataset } from './cli/collect/download-dataset.js';
import { datasetFolderOf } from './shared/dataset/verify-dataset.js';
import type { RunRecord } from './shared/runs/run-store.js';
import { waitForPublication } from './shared/runs/wait-for-publication.js';
import { Queue } from 'bullmq';
import { submitEval } from './producers/submit-eval.js';
import { waitForEvalResult, type WaitForEvalOptions } from './producers/wait-for-eval-result.js';
import type { EvalResult } from './shared/eval/eval-result.js';
import { EvalRunStore } from './shared/eval/eval-run-store.js';
import type { ResolvedEvalSpec } from './shared/eval/eval-spec.js';
import { EVAL_QUEUE } from './shared/queue/eval-job.js';
import type { RedisMode } from './shared/queue/redis-connection.js';
import { queueOptions } from './shared/queue/queue-options.js';
import { submitterGrants } from './shared/trust/endpoint-grants.js';
import { buildEvalContext } from './workers/eval/eval-contexts.js';
import { finaliseEval } from './workers/eval/finalise-eval.js';

export { runSpecSchema, type RunSpec, type ResolvedRunSpec } from './shared/config/run-spec.js';
export { loadRunSpecFile, resolveRunSpec, RunSpecError, type ResolveOptions } from './shared/config/load-run-spec.js';
export { startWorkers, workerOptionsFromEnv, type RunningWorkers, type WorkerOptions } from './workers/start-workers.js';
export { RunFailedError } from './shared/runs/wait-for-publication.js';
export { EvalRefusedError } from './producers/wait-for-eval-result.js';
export { evalSpecSchema, loadEvalSpecFile, resolveEvalSpec, type EvalSpec, type ResolvedEvalSpec } from './shared/eval/eval-spec.js';
export type { EvalResult } from './shared/eval/eval-result.js';
export type { RunRecord } from './shared/runs/run-store.js';
export type { Manifest, ManifestFile } from './shared/dataset/manifest.js';
export type { SubmitOutcome } from './producers/submit-run.js';
export type { Strategy, StrategyContext, SampleChain } from './shared/strategies/strategy.js';
export type { Sampler, SamplingParams } from './shared/llm/sampler.js';
export type { AnswerType, TokenUsage } from './shared/core-types.js';
export { createLogger, type Logger } from './shared/logger.js';

/** Where runs live: a Redis URL (with its TLS material for rediss://) and the key prefix. */
export interface Connection {
  redisUrl: string;
  /** Key prefix shared by submitters and workers. Default `s2d` (S2D_PREFIX). */
  prefix?: string;
  /** For a rediss:// URL signed by a private CA, or mutual TLS. Default: from S2D_REDIS_TLS_* in the environment. */
  tls?: RedisTls;
  /** `cluster`: `redisUrl` names seed nodes of a Redis Cluster. Default: S2D_REDIS_MODE (standalone). */
  mode?: RedisMode;
  /** Distill queue shards; must match the workers'. Default: S2D_QUEUE_SHARDS (1). */
  queueShards?: number;
}

/** An open connection to the queues and run store, and the key prefix it uses; close it when done. */
export type S2dClient = QueueClients & { prefix: string };

/** Opens the producer-side clients (queues, run store) once; fails within 5 s with one line if Redis is unreachable. */
export async function connect(connection: Connection): Promise<S2dClient> {
  const env = readEnv();
  const prefix = connection.prefix ?? env.S2D_PREFIX;
  const options = { tls: connection.tls ?? readRedisTls(env), mode: connection.mode ?? env.S2D_REDIS_MODE, queueShards: connection.queueShards ?? env.S2D_QUEUE_SHARDS };
  return { ...(await openQueueClients(connection.redisUrl, prefix, options)), prefix };
}

/**
 * Submits a resolved run spec (see {@link resolveRunSpec}): streams its input into the queue; idempotent. Workers
 * (from {@link startWorkers} or `s2d worker`) sharing the Redis do the work.
 */
export function submitRun(client: S2dClient, spec: ResolvedRunSpec, options: { maxBacklog?: number } = {}): Promise<SubmitOutcome> {
  return submitRunToQueues(spec, {
    runs: client.runs,
    distillQueues: client.distillQueues,
    publishQueue: client.publishQueue,
    results: new ItemResultStore(openArtifactStore(outputLocation(spec))),
    maxBacklog: options.maxBacklog ?? readEnv().S2D_MAX_BACKLOG,
  });
}

/** A run's state and counters now (what `s2d status --json` is made from), or null for an unknown run. */
export function getRunStatus(client: S2dClient, runId: string): Promise<RunRecord | null> {
  return client.runs.get(runId);
}

/** Resolves once the run is published; rejects with {@link RunFailedError} when it fails. Polls every `pollMs` (default 250). */
export function waitForRun(client: S2dClient, runId: string, pollMs = 250): Promise<void> {
  return waitForPublication(client.runs, runId, pollMs);
}

/**
 * Copies a published run's dataset into `<into>/<runId>/`, verifying every file against its manifest (as `s2d
 * collect`); the manifest comes back parsed.
 */
export async function collectDataset(client: S2dClient, runId: string, into: string): Promise<DownloadedDataset> {
  const run = await client.runs.get(runId);
  if (run?.manifestLocation == null) throw new Error(`run ${runId} has no published dataset under this prefix`);
  return downloadDataset(openArtifactStore(datasetFolderOf(run.manifestLocation)), into);
}

/**
 * Evaluates a model × strategy on a labelled set (a resolved eval spec, see {@link resolveEvalSpec}) as jobs on the
 * `eval` queue, worked by the same workers, and resolves with the result (what `s2d eval --json` prints). This
 * process finalises the eval itself if no worker has, with the endpoint key its own environment grants.
 *
 * @throws {EvalRefusedError} when the workers refuse the eval (e.g. its output location).
 */
export async function evaluate(client: S2dClient, spec: ResolvedEvalSpec, options: { onProgress?: WaitForEvalOptions['onProgress'] } = {}): Promise<EvalResult> {
  const evalQueue = new Queue(EVAL_QUEUE, queueOptions(client.redis, client.prefix, EVAL_QUEUE));
  const evals = new EvalRunStore(client.redis, client.prefix);
  try {
    const context = buildEvalContext(spec, submitterGrants(spec.model));
    await submitEval(spec, { evals, evalQueue, store: context.store });
    const finalise = (total: number): Promise<EvalResult> => finaliseEval(spec, { store: context.store, evals, client: context.client, total });
    return await waitForEvalResult(spec.evalId, evals, finalise, options.onProgress === undefined ? {} : { onProgress: options.onProgress });
  } finally {
    await evalQueue.close();
  }
}

/**
 * A user-defined System 2 program, checked now: `{name, system: 1 | 2, run(ctx)}` where `run` produces one chain per
 * sample index `ctx.firstSample ?? 0` … `ctx.samples - 1` through `ctx.sampler` (which caches, rate-limits and counts
 * every call). Returns the program with its output checked on every run. Export it from a self-contained ES module
 * and name it in a run spec as `strategy: {module: ./my-program.mjs, export: <name>}`; workers load it only from
 * their S2D_PROGRAM_PATHS (docs/security.md). A module that imports `s2d` for this helper must be bundled first.
 */
export function defineStrategy(program: Strategy): Strategy {
  return asStrategy(program, program.name);
}
