import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnWorkerProcess, type WorkerProcess } from '../../cli/spawn-worker-process.js';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { submitRun } from '../../producers/submit-run.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { submitEval } from '../../producers/submit-eval.js';
import { EvalRunStore } from '../../shared/eval/eval-run-store.js';
import { loadEvalSpecFile, resolveEvalSpec } from '../../shared/eval/eval-spec.js';
import { EVAL_QUEUE } from '../../shared/queue/eval-job.js';
import { queueOptions } from '../../shared/queue/queue-options.js';
import { Queue } from 'bullmq';
import { openArtifactStore } from '../../shared/artifacts/open-artifact-store.js';
import type { ResolvedRunSpec } from '../../shared/config/run-spec.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { useTestS3 } from '../helpers/test-s3.js';
import { workerEnv } from '../helpers/worker-env.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');
const s3 = useTestS3();

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/**
 * Specs are written into Redis as they are, so these runs are registered with raw locations a submitter would have
 * normalised: whoever can write to Redis can store any string, and only the workers' own check stands in the way.
 */
describe('workers write only under S2D_OUTPUT_ROOTS and S2D_S3_PREFIXES (spawned s2d worker, real Redis and S3)', () => {
  let simulator: RunningSimulator;
  let base: string;
  let root: string;
  let outside: string;
  let bucket: string;
  let run: RunFixture;
  let worker: WorkerProcess;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
    base = await realpath(await mkdtemp(join(tmpdir(), 's2d-output-roots-')));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(root);
    await mkdir(outside);
    // Someone with a shell inside the root once made this link; a spec must not be able to write through it.
    await symlink(outside, join(root, 'escape'));
    bucket = await s3.freshBucket('output-roots');
    run = await createRunFixture({
      label: 'output-roots',
      redisUrl,
      baseUrl: simulator.baseUrl,
      items: 6,
      spec: { sampling: { samples: 1, temperature: 0, maxTokens: 64, seed: 1 }, output: { dir: join(root, 'allowed') } },
    });
    worker = spawnWorkerProcess(workerEnv(redisUrl, run.prefix, { S2D_OUTPUT_ROOTS: root, S2D_S3_PREFIXES: `s3://${bucket}/allowed` }));
  });
  afterAll(async () => {
    await worker.stop(5_000);
    await run.clients.close();
    await simulator.close();
    await rm(base, { recursive: true, force: true });
  });

  /** Registers and enqueues `spec` exactly as given (no normalisation), on the worker's prefix. */
  async function submitRaw(spec: ResolvedRunSpec): Promise<void> {
    await submitRun(spec, {
      runs: run.clients.runs,
      distillQueues: run.clients.distillQueues,
      publishQueue: run.clients.publishQueue,
      // Input rejects would be staged here by the submitter; these inputs have none.
      results: new ItemResultStore(openArtifactStore(join(base, 'submitter'))),
      maxBacklog: 1_000,
    });
  }

  async function failure(runId: string): Promise<string> {
    return waitForPublication(run.clients.runs, runId, 50).then(
      () => 'published',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
  }

  it('publishes a run whose output.dir lies inside the root (the same worker, so the refusals below are the policy)', { timeout: 60_000 }, async () => {
    await run.submit();
    await waitForPublication(run.clients.runs, run.spec.runId, 50);
    expect(await filesUnder(join(root, 'allowed'))).toContain(join('output-roots', run.spec.runId, 'manifest.json'));
  });

  it('fails a run whose output.dir walks out of the root with "..", naming output.dir, and writes nothing outside', { timeout: 60_000 }, async () => {
    const raw = `${root}/../outside/dotdot`;
    const spec = { ...run.spec, runId: `${run.spec.runId}-dotdot`, output: { ...run.spec.output, dir: raw } };
    await submitRaw(spec);
    expect(await failure(spec.runId)).toBe(
      `run ${spec.runId} failed: refused by the workers' trust policy: output.dir ${raw} is outside the directories these workers may write to (${root}); choose an output.dir under one of them, or have the workers' operator add the directory to S2D_OUTPUT_ROOTS (default: the workers' working directory and temp directory)`,
    );
    expect(await filesUnder(outside)).toEqual([]);
    // `s2d status` shows the reason.
    const status = await exec(process.execPath, [BIN, 'status', spec.runId], { env: { ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: run.prefix } });
    expect(status.stdout).toMatch(/state\s+failed/);
    expect(status.stdout).toContain(`error      refused by the workers' trust policy: output.dir ${raw} is outside`);
  });

  it('fails a run whose output.dir goes through a symlink in the root that points outside it', { timeout: 60_000 }, async () => {
    const through = join(root, 'escape', 'ds');
    const spec = { ...run.spec, runId: `${run.spec.runId}-symlink`, output: { ...run.spec.output, dir: through } };
    await submitRaw(spec);
    expect(await failure(spec.runId)).toContain(
      `refused by the workers' trust policy: output.dir ${through} resolves to ${join(outside, 'ds')} through a symlink, outside the directories these workers may write to (${root})`,
    );
    expect(await filesUnder(outside)).toEqual([]);
  });

  it('fails a run whose output.uri is outside S2D_S3_PREFIXES, naming output.uri, and writes nothing to the bucket', { timeout: 60_000 }, async () => {
    for (const [suffix, uri] of [
      ['s3-sibling', `s3://${bucket}/allowed-not`],
      ['s3-dotdot', `s3://${bucket}/allowed/../other`],
    ] as const) {
      const spec = { ...run.spec, runId: `${run.spec.runId}-${suffix}`, output: { ...run.spec.output, uri } };
      await submitRaw(spec);
      const reason = await failure(spec.runId);
      expect(reason).toContain(`refused by the workers' trust policy: output.uri ${uri}`);
    }
    const keys: string[] = [];
    for await (const key of s3.store(bucket).list('')) keys.push(key);
    expect(keys).toEqual([]);
  });

  it('refuses an eval whose output.dir is refused: at submit (exit 2), and on the workers when the submit check is skipped', { timeout: 60_000 }, async () => {
    const evalDir = join(base, 'eval');
    await writeTaskFiles({ family: 'arithmetic', count: 5, seed: 2, dir: join(evalDir, 'data'), name: 'arith' });
    const specLines = ['name: refused', 'input: data/arith.inputs.jsonl', 'labels: data/arith.labels.jsonl', 'answerType: number', 'strategy: system1'];
    const specPath = join(evalDir, 'eval.yaml');
    await writeFile(specPath, [...specLines, 'model: { name: sim-llama-2-70b-chat }', `output: { dir: ${join(outside, 'evals-out')} }`, ''].join('\n'));
    const env = { ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: run.prefix, OPENAI_BASE_URL: simulator.baseUrl, S2D_LOG_LEVEL: 'warn' };
    const refused = await exec(process.execPath, [BIN, 'eval', 'eval.yaml'], { env, cwd: evalDir, timeout: 30_000 }).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    // The live worker advertised its policy: the submitter hears the reason before anything is enqueued or written.
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toMatch(
      new RegExp(`^s2d eval: eval\\.yaml: refused by the workers' trust policy: output\\.dir ${join(outside, 'evals-out')} is outside the directories these workers may write to`, 'm'),
    );
    await expect(filesUnder(join(outside, 'evals-out'))).rejects.toThrow(/ENOENT/);

    // A submitter with Redis access can skip that check; the workers end the eval themselves and write nothing.
    const spec = await resolveEvalSpec(await loadEvalSpecFile(specPath), { baseDir: evalDir, defaultBaseUrl: simulator.baseUrl, specFile: specPath });
    const evals = new EvalRunStore(run.clients.redis, run.prefix);
    const evalQueue = new Queue(EVAL_QUEUE, queueOptions(run.clients.redis, run.prefix, EVAL_QUEUE));
    try {
      await submitEval(spec, { evals, evalQueue, store: openArtifactStore(spec.output.dir) });
      let record = await evals.get(spec.evalId);
      for (let i = 0; i < 200 && record?.state !== 'refused'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        record = await evals.get(spec.evalId);
      }
      expect(record?.state).toBe('refused');
      expect(record?.refusedBy).toMatch(/^refused by the workers' trust policy: output\.dir \S+evals-out is outside the directories these workers may write to/);
    } finally {
      await evalQueue.close();
    }
    // The submitter wrote the labels itself (its own process, its own permissions); the workers wrote no record.
    const written = await filesUnder(join(outside, 'evals-out'));
    expect(written.filter((file) => file.endsWith('.json'))).toEqual([]);
    expect(written.filter((file) => file.endsWith('labels.jsonl'))).toHaveLength(1);
  });
});
