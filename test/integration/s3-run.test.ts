import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator } from '../../infra/simulator/simulator-server.js';
import { writeTaskFiles } from '../../producers/write-task-files.js';
import { manifestKey } from '../../shared/dataset/dataset-layout.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import { createLogger } from '../../shared/logger.js';
import { waitForPublication } from '../../shared/runs/wait-for-publication.js';
import { startWorkers } from '../../workers/start-workers.js';
import { readTrustPolicy } from '../../shared/trust/trust-policy.js';
import { createRunFixture, duplicateIndices } from '../helpers/run-fixture.js';
import { useTestS3 } from '../helpers/test-s3.js';

const redisUrl = inject('redisUrl');
const s3 = useTestS3();
const exec = promisify(execFile);
const BIN = new URL('../../bin/s2d.mjs', import.meta.url).pathname;
/** `s2d collect` as a user runs it, pointed at the test S3 server by environment only. */
const s2dCollect = (...args: string[]) => exec(process.execPath, [BIN, 'collect', ...args], { env: { ...process.env, ...s3.env, S2D_LOG_LEVEL: 'warn' } });

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}

describe('a run from s3:// input to an s3:// dataset, through BullMQ and in-process workers', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 9 });
    dir = await mkdtemp(join(tmpdir(), 's2d-s3run-'));
  });
  afterAll(async () => {
    await simulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a gzipped prefix, stages item results in the bucket and publishes manifest-last under <name>/<runId>/', async () => {
    const bucket = await s3.freshBucket('s3run');
    const files = await writeTaskFiles({ family: 'last-letter', count: 20, seed: 4, dir, name: 'items' });
    const lines = (await readFile(files.inputsPath, 'utf8')).split('\n').filter((l) => l !== '');
    // Two input objects: the first 12 items gzipped, then 8 items plus one line the producer must reject.
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/a.jsonl.gz', Body: gzipSync(`${lines.slice(0, 12).join('\n')}\n`) }));
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/b.jsonl', Body: `${lines.slice(12).join('\n')}\n{"id":"bad","prompt":7}\n` }));

    const run = await createRunFixture({
      label: 's3run',
      redisUrl,
      baseUrl: simulator.baseUrl,
      items: 1,
      spec: { input: `s3://${bucket}/in/`, output: { uri: `s3://${bucket}/datasets`, shardMaxRecords: 5 } },
    });
    try {
      const submitted = await run.submit();
      expect(submitted).toMatchObject({ created: true, enqueued: 20, rejectedAtInput: 1, total: 21 });
      // The input reject is staged in the bucket, create-only, like every item result.
      const staged = new ItemResultStore(run.store);
      expect(await staged.get(run.spec.runId, 20)).toMatchObject({ status: 'rejected', file: `s3://${bucket}/in/b.jsonl`, field: 'prompt', line: 9 });

      // As an operator would: these workers may write under the run's bucket prefix (S3 output is off by default).
      const trust = readTrustPolicy({ ...process.env, S2D_S3_PREFIXES: `s3://${bucket}/datasets` });
      const workers = startWorkers({ redisUrl, prefix: run.prefix, concurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 30_000, trust, logger: createLogger('silent') });
      await waitForPublication(run.clients.runs, run.spec.runId, 50);
      await workers.close(false);

      const record = await run.clients.runs.get(run.spec.runId);
      const manifestUri = `s3://${bucket}/datasets/${manifestKey('s3run', run.spec.runId)}`;
      expect(record?.manifestLocation).toBe(manifestUri);

      const dataset = await run.readDataset();
      const { counts } = dataset.manifest;
      expect(counts.inputs).toBe(21);
      expect(counts.accepted + counts.rejected + counts.errored).toBe(21);
      expect(dataset.chatLines).toHaveLength(counts.accepted);
      expect(duplicateIndices(dataset)).toEqual([]);
      expect(dataset.rejects.find((r) => r.index === 20)?.reason).toBe(`s3://${bucket}/in/b.jsonl line 9, field "prompt": expected a non-empty string, got number`);

      // Exactly the manifest's files, the manifest and the pointer; staging lives apart under _staging/.
      const folder = `s3run/${run.spec.runId}`;
      const published = await collect(run.store.list('s3run/'));
      expect(published.sort()).toEqual(
        [...dataset.manifest.files.map((f) => `${folder}/${f.path}`), `${folder}/manifest.json`, 's3run/_LATEST'].sort(),
      );
      expect(dataset.manifest.files.filter((f) => f.role === 'train').length).toBeGreaterThan(1);
      const latest = JSON.parse(Buffer.from((await run.store.get('s3run/_LATEST')) ?? new Uint8Array()).toString('utf8')) as { runId: string; manifest: string };
      expect(latest).toMatchObject({ runId: run.spec.runId, manifest: manifestUri });
      expect(await collect(run.store.list(`_staging/${run.spec.runId}/items/`))).toHaveLength(21);

      // `s2d collect` downloads it from S3 and checks every file against the manifest...
      const into = join(dir, 'collected');
      const collected = JSON.parse((await s2dCollect(manifestUri, '--to', into, '--json')).stdout) as { verified: boolean; files: unknown[] };
      expect(collected.verified).toBe(true);
      expect(collected.files).toHaveLength(dataset.manifest.files.length);
      const firstTrain = dataset.manifest.files.find((f) => f.role === 'train');
      if (firstTrain === undefined) throw new Error('no train shard');
      expect((await readFile(join(into, run.spec.runId, firstTrain.path))).length).toBe(firstTrain.bytes);
      // ...and names the object that no longer matches it once one is changed in the bucket.
      const shardKey = `datasets/${folder}/${firstTrain.path}`;
      const original = Buffer.from((await run.store.get(`${folder}/${firstTrain.path}`)) ?? new Uint8Array());
      const flipped = Buffer.from(original);
      flipped[10] = (flipped[10] ?? 0) ^ 0x01;
      await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: shardKey, Body: flipped }));
      const failure = await s2dCollect(manifestUri, '--to', join(dir, 'corrupt')).then(
        () => null,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(new RegExp(`${firstTrain.path}: sha256`));
    } finally {
      await run.clients.close();
    }
  });
});
