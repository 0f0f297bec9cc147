import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../infra/simulator/simulator-server.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { createRunFixture, type RunFixture } from '../helpers/run-fixture.js';
import { datasetFolder } from '../../shared/dataset/dataset-layout.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
const redisUrl = inject('redisUrl');

type Failure = { code: number; stdout: string; stderr: string };
const failureOf = (promise: Promise<unknown>): Promise<Failure | null> => promise.then(() => null, (error: unknown) => error as Failure);

interface CollectJson {
  runId: string;
  dir: string;
  verified: boolean;
  files: { path: string; role: string; records: number; bytes: number }[];
  totals: { files: number; records: number; bytes: number };
  counts: { inputs: number; accepted: number; train: number; validation: number };
}

describe('s2d collect (CLI)', () => {
  let sim: RunningSimulator;
  let run: RunFixture;
  let datasetDir: string;
  const s2d = (...args: string[]) =>
    exec(process.execPath, [BIN, 'collect', ...args], { env: { ...process.env, REDIS_URL: redisUrl, S2D_PREFIX: run.prefix, S2D_LOG_LEVEL: 'warn' }, cwd: run.dir });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, latency: { ttftMs: 0, perTokenMs: 0, jitter: 0 } });
    run = await createRunFixture({ label: 'collect', redisUrl, baseUrl: sim.baseUrl, items: 14, withBadLines: true, spec: { output: { shardMaxRecords: 4, formats: ['jsonl', 'parquet'] } } });
    await run.submit();
    const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, logger: createLogger('silent') });
    await waitForPublication(run.clients.runs, run.spec.runId, 25);
    await workers.close(false);
    datasetDir = join(run.spec.output.dir, datasetFolder(run.spec.name, run.spec.runId));
  });
  afterAll(async () => {
    await run.clients.close();
    await sim.close();
  });

  it('collects by run id: every listed file lands under DIR/<runId>/ with the bytes the manifest promises', async () => {
    const out = JSON.parse((await s2d(run.spec.runId, '--to', 'got', '--json')).stdout) as CollectJson;
    const { manifest } = await run.readDataset();
    expect(out).toMatchObject({ runId: run.spec.runId, dir: join(run.dir, 'got', run.spec.runId), verified: true });
    expect(out.counts).toMatchObject({ inputs: 17, accepted: manifest.counts.accepted });
    expect(out.totals.files).toBe(manifest.files.length + 1);
    expect(out.files.filter((f) => f.role === 'train').length).toBeGreaterThan(1);
    expect(out.files.filter((f) => f.role === 'train-parquet').map((f) => f.records)).toEqual(out.files.filter((f) => f.role === 'train').map((f) => f.records));
    expect(out.files.map((f) => f.role)).toContain('card');
    for (const file of manifest.files) {
      expect(await readFile(join(out.dir, file.path))).toEqual(await readFile(join(datasetDir, file.path)));
    }
    expect(JSON.parse(await readFile(join(out.dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect((await readdir(join(run.dir, 'got'))).sort()).toEqual([run.spec.runId]); // no temp folder left
  });

  it('collects by manifest path and by file:// URL, with a readable text report', async () => {
    const text = (await s2d(join(datasetDir, 'manifest.json'), '--to', 'by-path')).stdout;
    expect(text).toMatch(new RegExp(`^collected  ${run.spec.runId} \\(collect\\)$`, 'm'));
    expect(text).toMatch(/^files .* sizes and sha256 match the manifest$/m);
    expect(text).toMatch(/^counts {5}inputs 17 = accepted \d+ \+ rejected \d+ \+ errored \d+$/m);
    const viaUrl = JSON.parse((await s2d(pathToFileURL(join(datasetDir, 'manifest.json')).href, '--to', 'by-url', '--json')).stdout) as CollectJson;
    expect(viaUrl.dir).toBe(join(run.dir, 'by-url', run.spec.runId));
  });

  it('a flipped byte in a shard: one line naming the file, exit 1, nothing left that looks complete', async () => {
    const shard = join(datasetDir, 'train-00001.jsonl');
    const original = await readFile(shard);
    const corrupted = Buffer.from(original);
    corrupted[5] = (corrupted[5] ?? 0) ^ 0x01;
    await writeFile(shard, corrupted);
    try {
      const failure = await failureOf(s2d(run.spec.runId, '--to', 'bad'));
      expect(failure?.code).toBe(1);
      expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
      expect(failure?.stderr).toMatch(/^s2d collect: .*manifest\.json: 1 file does not match the manifest: train-00001\.jsonl: sha256 [0-9a-f]{64} does not match/);
      expect(await readdir(join(run.dir, 'bad'))).toEqual([]);
    } finally {
      await writeFile(shard, original);
    }
  });

  it("a Parquet file's rows are counted from its footer: a manifest that moves a row between two twins is caught", async () => {
    const manifestFile = join(datasetDir, 'manifest.json');
    const original = await readFile(manifestFile, 'utf8');
    const manifest = JSON.parse(original) as { files: { path: string; records: number }[] };
    const [first, second] = manifest.files.filter((f) => f.path.startsWith('train-') && f.path.endsWith('.parquet'));
    if (first === undefined || second === undefined) throw new Error('expected two train Parquet shards');
    first.records += 1;
    second.records -= 1;
    await writeFile(manifestFile, JSON.stringify(manifest));
    try {
      const failure = await failureOf(s2d(run.spec.runId, '--to', 'rows'));
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(new RegExp(`${first.path}: ${first.records - 1} rows, the manifest says ${first.records}; ${second.path}: ${second.records + 1} rows, the manifest says ${second.records}`));
    } finally {
      await writeFile(manifestFile, original);
    }
  });

  it('a missing file: named, exit 1, and an earlier good copy is left as it was', async () => {
    await s2d(run.spec.runId, '--to', 'keep');
    const validation = join(datasetDir, 'validation-00000.jsonl');
    const original = await readFile(validation);
    await rm(validation);
    try {
      const failure = await failureOf(s2d(run.spec.runId, '--to', 'keep'));
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(/validation-00000\.jsonl: missing/);
      expect(await readdir(join(run.dir, 'keep'))).toEqual([run.spec.runId]);
      expect(await readFile(join(run.dir, 'keep', run.spec.runId, 'validation-00000.jsonl'))).toEqual(original);
    } finally {
      await writeFile(validation, original);
    }
  });

  it('a run that does not exist, and a manifest that is not there, fail in one line', async () => {
    expect((await failureOf(s2d('no-such-run')))?.stderr).toMatch(/^s2d collect: no run no-such-run under prefix /);
    expect((await failureOf(s2d(join(run.dir, 'nowhere', 'manifest.json'))))?.stderr).toMatch(/manifest\.json: missing/);
  });
});
