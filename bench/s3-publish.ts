import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3 } from '../infra/s3/local-s3.js';
import type { ArtifactStore } from '../shared/artifacts/artifact-store.js';
import { LocalDirStore } from '../shared/artifacts/local-dir-store.js';
import { openArtifactStore } from '../shared/artifacts/open-artifact-store.js';
import { runSpecSchema, type ResolvedRunSpec } from '../shared/config/run-spec.js';
import type { ItemResult } from '../shared/dataset/item-result.js';
import { ItemResultStore } from '../shared/dataset/read-item-results.js';
import { publishDataset } from '../shared/dataset/publish-dataset.js';

export interface PublishFigures {
  store: string;
  /** Item results staged per second (create-only writes; HEAD + PUT on S3). */
  stagedPerSecond: number;
  /** Publication from staged results: items per second and MiB of dataset files per second. */
  publishItemsPerSecond: number;
  publishMiBPerSecond: number;
}

function result(i: number): ItemResult {
  return {
    index: i, line: i + 1, id: `q-${i}`, prompt: `Take the last letters of the words in "word${i} other${i} third${i}" and concatenate them.`,
    answerType: 'letters', strategy: 'rar2', samples: 8, votes: [{ answer: 'rdd', count: 7 }], unextractable: 0, calls: 9,
    usage: { promptTokens: 120, completionTokens: 60 }, elapsedMs: 5, status: 'accepted', target: 'rdd', voteShare: 0.875,
  };
}

async function measure(label: string, store: ArtifactStore, items: number): Promise<PublishFigures> {
  const spec = runSpecSchema.parse({ name: 'bench', input: 'x.jsonl', answerType: 'letters', model: { name: 'm' }, output: { shardMaxRecords: 5_000 } });
  const resolved: ResolvedRunSpec = { ...spec, runId: `bench-${label}`, model: { ...spec.model, baseUrl: 'http://127.0.0.1:1/v1' } };
  const staged = new ItemResultStore(store);
  let started = performance.now();
  for (let next = 0; next < items; ) {
    const batch = Array.from({ length: Math.min(32, items - next) }, (_, k) => staged.putOnce(resolved.runId, result(next + k)));
    next += batch.length;
    await Promise.all(batch);
  }
  const stagedSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const { manifest } = await publishDataset({ store, spec: resolved, runId: resolved.runId, results: () => staged.readAll(resolved.runId, items), templateVersions: {} });
  const publishSeconds = (performance.now() - started) / 1000;
  const bytes = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
  return { store: label, stagedPerSecond: items / stagedSeconds, publishItemsPerSecond: items / publishSeconds, publishMiBPerSecond: bytes / 1024 / 1024 / publishSeconds };
}

/** Staging and publication on the local directory store vs S3 (a private s3rver over loopback HTTP). */
export async function measureS3Publish(items: number): Promise<PublishFigures[]> {
  const dir = await mkdtemp(join(tmpdir(), 's2d-bench-publish-'));
  const s3 = await startLocalS3();
  try {
    await s3.createBucket('s2d-bench');
    Object.assign(process.env, s3.env);
    return [await measure('local', new LocalDirStore(dir), items), await measure('s3rver', openArtifactStore('s3://s2d-bench/out'), items)];
  } finally {
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}
