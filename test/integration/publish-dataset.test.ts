import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { LocalDirStore } from '../../shared/artifacts/local-dir-store.js';
import { runSpecSchema, type ResolvedRunSpec } from '../../shared/config/run-spec.js';
import type { ItemResult } from '../../shared/dataset/item-result.js';
import { parseManifest } from '../../shared/dataset/manifest.js';
import { publishDataset, type PublishDatasetOptions } from '../../shared/dataset/publish-dataset.js';
import { assignSplit } from '../../shared/dataset/split.js';
import { paidCountersOf, RunStore } from '../../shared/runs/run-store.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';
import { RecordingStore } from '../helpers/recording-store.js';
import { readParquetRows } from '../helpers/read-parquet-arrow.js';
import { useTestS3 } from '../helpers/test-s3.js';

const RUN = 'run-abc';
/** The run's dataset folder: `<name>/<runId>` (the spec's name defaults to "dataset"). */
const FOLDER = `dataset/${RUN}`;
const s3 = useTestS3();
let bucket = '';
const tempDirs: string[] = [];

interface StoreCase {
  name: string;
  /** A fresh, empty store; `slot` only labels it. */
  open(slot: string): Promise<ArtifactStore>;
  /** Whether concurrent create-only writes have exactly one winner (S3: only where If-None-Match is enforced). */
  exclusiveCreate(): Promise<boolean>;
}
const testId = (): string => Math.random().toString(36).slice(2, 10);
const cases: StoreCase[] = [
  {
    name: 'local directory',
    open: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 's2d-publish-'));
      tempDirs.push(dir);
      return new LocalDirStore(dir);
    },
    exclusiveCreate: () => Promise.resolve(true),
  },
  {
    name: 'S3 (s3rver over HTTP)',
    open: (slot) => Promise.resolve(s3.store(bucket, `${slot}-${testId()}`)),
    exclusiveCreate: () => s3.enforcesIfNoneMatch(bucket),
  },
];
beforeAll(async () => {
  bucket = await s3.freshBucket('publish');
});
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});
const NOW = (): Date => new Date('2025-06-01T12:00:00.000Z');

function makeSpec(output: { validationFraction: number; shardMaxRecords: number; shardMaxBytes?: number; latestPointer?: boolean; formats?: ('jsonl' | 'parquet')[]; license?: string }): ResolvedRunSpec {
  const spec = runSpecSchema.parse({ input: 'in.jsonl', answerType: 'number', model: { name: 'llama' }, output: { dir: 'out', ...output } });
  return { ...spec, runId: RUN, model: { ...spec.model, baseUrl: 'http://127.0.0.1:9/v1' } };
}

const common = (i: number) => ({
  index: i,
  line: i + 1,
  id: `q-${i}`,
  prompt: `What is ${i} + 1?\nReply briefly.`,
  answerType: 'number' as const,
  strategy: 'rar2',
  samples: 8,
  votes: [],
  unextractable: 0,
  calls: 16,
  usage: { promptTokens: 100 + i, completionTokens: 50 },
  elapsedMs: 5,
});

/** Every 5th item rejected (codes rotating), every 7th errored, the rest accepted. */
function makeResults(total: number): ItemResult[] {
  return Array.from({ length: total }, (_, i): ItemResult => {
    if (i % 7 === 3) return { ...common(i), status: 'errored', reason: 'HTTP 500 from endpoint', attempts: 3 };
    if (i % 5 === 4) {
      return i % 2 === 0
        ? { ...common(i), status: 'rejected', code: 'tie', reason: 'tie between 4 and 5', votes: [{ answer: '4', count: 4 }, { answer: '5', count: 4 }], voteShare: 0.5 }
        : { ...common(i), id: `line-${i + 1}`, prompt: '', status: 'rejected', code: 'invalid-input', reason: `in.jsonl line ${i + 1}, field "prompt": expected a non-empty string, got number`, votes: [], file: 'in.jsonl', field: 'prompt' };
    }
    return { ...common(i), status: 'accepted', target: String(i + 1), votes: [{ answer: String(i + 1), count: 7 }], voteShare: 0.875 };
  });
}

const factory = (items: ItemResult[]) => (): AsyncIterable<ItemResult> =>
  (async function* () {
    await Promise.resolve();
    yield* items;
  })();

/** Every object under `folder/` (what is really in the store), keyed by its name relative to the folder. */
async function filesOf(store: ArtifactStore, folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const key of store.list(`${folder}/`)) {
    out[key.slice(folder.length + 1)] = Buffer.from((await store.get(key)) ?? new Uint8Array()).toString('utf8');
  }
  return out;
}

const jsonl = (text: string): unknown[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

describe.each(cases)('publishDataset to $name', (c) => {
  let store: ArtifactStore;
  beforeEach(async () => {
    store = await c.open('a');
  });

  const options = (s: ArtifactStore, items: ItemResult[], spec = makeSpec({ validationFraction: 0.3, shardMaxRecords: 4 })): PublishDatasetOptions => ({
    store: s,
    spec,
    runId: RUN,
    results: factory(items),
    templateVersions: { rar2Rephrase: 'v1', rar2Answer: 'v1' },
    now: NOW,
  });

  it('writes shards, provenance, rejects and a manifest whose counts and checksums match the files', async () => {
    const items = makeResults(40);
    const { manifest, created } = await publishDataset(options(store, items));
    expect(created).toBe(true);

    const accepted = items.filter((r) => r.status === 'accepted');
    const bySplit = { train: accepted.filter((r) => assignSplit(r.id, 0.3) === 'train'), validation: accepted.filter((r) => assignSplit(r.id, 0.3) === 'validation') };
    expect(manifest.counts).toEqual({
      inputs: 40,
      accepted: accepted.length,
      rejected: items.filter((r) => r.status === 'rejected').length,
      errored: items.filter((r) => r.status === 'errored').length,
      train: bySplit.train.length,
      validation: bySplit.validation.length,
      rejectReasons: {
        tie: items.filter((r) => r.status === 'rejected' && r.code === 'tie').length,
        'invalid-input': items.filter((r) => r.status === 'rejected' && r.code === 'invalid-input').length,
      },
    });
    const promptTokens = items.reduce((s, r) => s + r.usage.promptTokens, 0);
    expect(manifest.tokens).toEqual({ prompt: promptTokens, completion: 2000, total: promptTokens + 2000, calls: 640 });
    expect(manifest.createdAt).toBe('2025-06-01T12:00:00.000Z');
    expect(manifest.model).toEqual({ name: 'llama', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(manifest.strategy).toEqual({ name: 'rar2', templateVersions: { rar2Rephrase: 'v1', rar2Answer: 'v1' } });

    const onDisk = await filesOf(store, FOLDER);
    expect(Object.keys(onDisk).sort()).toEqual([...manifest.files.map((f) => f.path), 'manifest.json'].sort());
    for (const file of manifest.files) {
      const text = onDisk[file.path] ?? '';
      expect(file.bytes, file.path).toBe(Buffer.byteLength(text));
      expect(file.sha256, file.path).toBe(createHash('sha256').update(text).digest('hex'));
      expect(file.records, file.path).toBe(file.role === 'card' ? text.split('\n').length - 1 : jsonl(text).length);
      if (file.role === 'train' || file.role === 'validation') expect(file.records).toBeLessThanOrEqual(4);
    }
    expect(parseManifest(onDisk['manifest.json'] ?? '')).toEqual(manifest);

    // Training lines: the input exactly, the final answer only, in index order across shards.
    const trainLines = manifest.files.filter((f) => f.role === 'train').flatMap((f) => jsonl(onDisk[f.path] ?? ''));
    expect(trainLines).toEqual(bySplit.train.map((r) => ({ messages: [{ role: 'user', content: r.prompt }, { role: 'assistant', content: r.target }] })));
    const provenance = jsonl(onDisk['provenance.jsonl'] ?? '') as { id: string; split: string; shard: string; tokens: unknown }[];
    expect(provenance.map((p) => p.id)).toEqual(accepted.map((r) => r.id));
    expect(provenance[0]).toEqual({
      id: 'q-0', index: 0, line: 1, split: assignSplit('q-0', 0.3), shard: `${assignSplit('q-0', 0.3)}-00000.jsonl`, strategy: 'rar2',
      samples: 8, votes: [{ answer: '1', count: 7 }], voteShare: 0.875, unextractable: 0, calls: 16, tokens: { prompt: 100, completion: 50 }, target: '1', answerType: 'number',
    });
    for (const p of provenance) expect(Object.keys(onDisk)).toContain(p.shard);
    const rejects = jsonl(onDisk['rejects.jsonl'] ?? '') as Record<string, unknown>[];
    expect(rejects.map((r) => r.index)).toEqual(items.filter((r) => r.status !== 'accepted').map((r) => r.index));
    expect(rejects.find((r) => r.status === 'errored')).toEqual({ id: 'q-3', index: 3, line: 4, status: 'errored', reason: 'HTTP 500 from endpoint', votes: [], attempts: 3 });
    expect(rejects.find((r) => r.code === 'invalid-input')).toMatchObject({ file: 'in.jsonl', field: 'prompt', status: 'rejected' });
  });

  it('with formats [jsonl, parquet], every shard has a Parquet twin that another reader (arrow-rs) reads as the same records', async () => {
    const items = makeResults(40);
    const { manifest } = await publishDataset(options(store, items, makeSpec({ validationFraction: 0.3, shardMaxRecords: 4, formats: ['jsonl', 'parquet'] })));
    const shards = manifest.files.filter((f) => f.role === 'train' || f.role === 'validation');
    const twins = manifest.files.filter((f) => f.role === 'train-parquet' || f.role === 'validation-parquet');
    expect(twins.map((f) => f.path)).toEqual(shards.map((f) => f.path.replace(/\.jsonl$/, '.parquet')));
    for (const [i, twin] of twins.entries()) {
      const bytes = (await store.get(`${FOLDER}/${twin.path}`)) ?? new Uint8Array();
      expect(twin.bytes, twin.path).toBe(bytes.byteLength);
      expect(twin.sha256, twin.path).toBe(createHash('sha256').update(bytes).digest('hex'));
      const { schema, rows } = readParquetRows(bytes);
      expect(schema).toBe('messages: List<Struct<{role:Utf8, content:Utf8}>>');
      const jsonlRows = jsonl(Buffer.from((await store.get(`${FOLDER}/${shards[i]?.path ?? ''}`)) ?? new Uint8Array()).toString('utf8'));
      expect(rows, twin.path).toEqual(jsonlRows);
      expect(twin.records, twin.path).toBe(rows.length);
    }
    expect(twins.filter((f) => f.role === 'train-parquet').reduce((n, f) => n + f.records, 0)).toBe(manifest.counts.train);
    // The prompts' newlines and the answers survive exactly.
    const firstTrain = twins.find((f) => f.role === 'train-parquet');
    const first = readParquetRows((await store.get(`${FOLDER}/${firstTrain?.path ?? ''}`)) ?? new Uint8Array()).rows[0];
    expect(JSON.stringify(first)).toContain('Reply briefly.');
  });

  it('writes a dataset card whose YAML header declares the splits by globs that match exactly the shard files', async () => {
    const spec = makeSpec({ validationFraction: 0.3, shardMaxRecords: 4, formats: ['jsonl', 'parquet'], license: 'cc-by-4.0' });
    const { manifest } = await publishDataset(options(store, makeResults(40), spec));
    const card = Buffer.from((await store.get(`${FOLDER}/README.md`)) ?? new Uint8Array()).toString('utf8');
    expect(manifest.files.find((f) => f.path === 'README.md')).toMatchObject({ role: 'card', records: card.split('\n').length - 1 });
    const header = /^---\n([\s\S]*?)\n---\n/.exec(card)?.[1];
    expect(header).toBeDefined();
    const meta = parseYaml(header ?? '') as { license: string; size_categories: string[]; configs: { config_name: string; data_files: { split: string; path: string }[] }[] };
    expect(meta.license).toBe('cc-by-4.0');
    expect(meta.size_categories).toEqual(['n<1K']);
    expect(meta.configs.map((c) => c.config_name)).toEqual(['default', 'jsonl']);
    const matches = (pattern: string): string[] => {
      const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      return manifest.files.map((f) => f.path).filter((p) => regex.test(p));
    };
    const byRole = (role: string): string[] => manifest.files.filter((f) => f.role === role).map((f) => f.path);
    for (const config of meta.configs) {
      const format = config.config_name === 'default' ? 'parquet' : 'jsonl';
      expect(config.data_files.map((d) => d.split)).toEqual(['train', 'validation']);
      for (const { split, path: glob } of config.data_files) {
        expect(matches(glob), glob).toEqual(byRole(format === 'parquet' ? `${split}-parquet` : split));
      }
    }
    expect(card).toContain(`\`${RUN}\``);
    expect(card).toContain(`| inputs | 40 |`);
  });

  it('a card leaves an empty split out of its configs (an empty file would not load) and defaults to JSONL without Parquet', async () => {
    const { manifest } = await publishDataset(options(store, makeResults(6), makeSpec({ validationFraction: 0, shardMaxRecords: 100 })));
    const card = Buffer.from((await store.get(`${FOLDER}/README.md`)) ?? new Uint8Array()).toString('utf8');
    const meta = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)?.[1] ?? '') as { license: string; configs: unknown };
    expect(meta).toMatchObject({ license: 'unknown', configs: [{ config_name: 'default', data_files: [{ split: 'train', path: 'train-*.jsonl' }] }] });
    expect(manifest.counts.validation).toBe(0);
  });

  it('an empty split keeps its empty JSONL shard but gets no Parquet twin', async () => {
    const { manifest } = await publishDataset(options(store, makeResults(6), makeSpec({ validationFraction: 0, shardMaxRecords: 100, formats: ['jsonl', 'parquet'] })));
    expect(manifest.files.filter((f) => f.role.startsWith('validation')).map((f) => f.path)).toEqual(['validation-00000.jsonl']);
    expect(manifest.files.filter((f) => f.role === 'train-parquet').map((f) => f.path)).toEqual(['train-00000.parquet']);
    expect(await store.exists(`${FOLDER}/validation-00000.parquet`)).toBe(false);
  });

  it('writes one empty shard for an empty split', async () => {
    const { manifest } = await publishDataset(options(store, makeResults(6), makeSpec({ validationFraction: 0, shardMaxRecords: 100 })));
    const validation = manifest.files.filter((f) => f.role === 'validation');
    expect(validation).toEqual([{ path: 'validation-00000.jsonl', role: 'validation', records: 0, bytes: 0, sha256: createHash('sha256').digest('hex') }]);
    expect(await store.exists(`${FOLDER}/validation-00000.jsonl`)).toBe(true);
  });

  it('writes the manifest last, create-only, after every data file is complete', async () => {
    const recording = new RecordingStore(store);
    await publishDataset(options(recording, makeResults(40)));
    // The manifest is the last dataset write (only the _LATEST pointer follows it), after every stream has ended.
    const commit = recording.ops.findIndex((o) => o.op === 'putIfAbsent' && o.key === `${FOLDER}/manifest.json`);
    expect(commit).toBeGreaterThan(0);
    expect(recording.ops.slice(commit + 1)).toEqual([{ op: 'put', key: 'dataset/_LATEST' }]);
    const beforeCommit = recording.ops.slice(0, commit);
    const starts = beforeCommit.filter((o) => o.op === 'putStream:start').length;
    expect(starts).toBeGreaterThanOrEqual(4);
    expect(beforeCommit.filter((o) => o.op === 'putStream:end')).toHaveLength(starts);
    expect(recording.ops.filter((o) => o.key.endsWith('manifest.json'))).toHaveLength(1);
  });

  it('returns the existing manifest and writes nothing when published again', async () => {
    const first = await publishDataset(options(store, makeResults(20)));
    const recording = new RecordingStore(store);
    const second = await publishDataset({ ...options(recording, makeResults(20)), now: () => new Date('2030-01-01T00:00:00Z') });
    expect(second).toEqual({ manifest: first.manifest, created: false });
    expect(recording.ops).toEqual([]);
  });

  it('completes after a crash mid-publish with the same files and a single manifest', async () => {
    const items = makeResults(40);
    const crashing = new RecordingStore(store);
    crashing.failStreamsAfter = 1; // once the first shard is complete, every stream dies at its next chunk
    await expect(publishDataset(options(crashing, items))).rejects.toThrow('simulated crash');
    expect(await store.exists(`${FOLDER}/manifest.json`)).toBe(false);
    const completed = crashing.ops.filter((o) => o.op === 'putStream:end').map((o) => o.key.slice(FOLDER.length + 1));
    // Usually one shard; a second may slip through if its last chunk was taken before the first one finished.
    expect(completed.length).toBeGreaterThanOrEqual(1);
    expect(completed).not.toContain('provenance.jsonl');
    // Exactly the completed shards are on disk: no partial file, no temp file.
    expect(Object.keys(await filesOf(store, FOLDER)).sort()).toEqual(completed.sort());

    const retry = await publishDataset(options(store, items));
    expect(retry.created).toBe(true);
    const clean = await c.open('clean');
    const reference = await publishDataset(options(clean, items));
    expect(retry.manifest).toEqual(reference.manifest);
    expect(await filesOf(store, FOLDER)).toEqual(await filesOf(clean, FOLDER));
  });

  it('removes shards a previous attempt wrote beyond the final set', async () => {
    await store.put(`${FOLDER}/train-00009.jsonl`, 'stale');
    const { manifest } = await publishDataset(options(store, makeResults(10)));
    expect(await store.exists(`${FOLDER}/train-00009.jsonl`)).toBe(false);
    expect(Object.keys(await filesOf(store, FOLDER)).sort()).toEqual([...manifest.files.map((f) => f.path), 'manifest.json'].sort());
  });

  it('lets one of two concurrent publishers commit and gives both the same manifest', async () => {
    const items = makeResults(30);
    const [a, b] = await Promise.all([publishDataset(options(store, items)), publishDataset(options(store, items))]);
    // Where the store cannot refuse the second create (a server ignoring If-None-Match), both may report created;
    // what must hold everywhere: one manifest, equal for both, describing exactly the files in the folder.
    if (await c.exclusiveCreate()) expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(a.manifest).toEqual(b.manifest);
    const stored = parseManifest(Buffer.from((await store.get(`${FOLDER}/manifest.json`)) ?? new Uint8Array()).toString('utf8'));
    expect(stored).toEqual(a.manifest);
    expect(Object.keys(await filesOf(store, FOLDER)).sort()).toEqual([...a.manifest.files.map((f) => f.path), 'manifest.json'].sort());
  });

  it('refuses results out of index order or with a gap, and commits nothing', async () => {
    const items = makeResults(10);
    const gap = [...items.slice(0, 4), ...items.slice(5)];
    await expect(publishDataset(options(store, gap))).rejects.toThrow('expected index 4, got 5');
    expect(await store.exists(`${FOLDER}/manifest.json`)).toBe(false);
    await expect(publishDataset({ ...options(store, items), runId: 'other' })).rejects.toThrow('differs from runId');
  });

  it('streams large runs through many shards', async () => {
    const items = makeResults(5000);
    const { manifest } = await publishDataset(options(store, items, makeSpec({ validationFraction: 0.1, shardMaxRecords: 1000 })));
    const train = manifest.files.filter((f) => f.role === 'train');
    expect(train.map((f) => f.path)).toEqual(['train-00000.jsonl', 'train-00001.jsonl', 'train-00002.jsonl', 'train-00003.jsonl']);
    expect(train.slice(0, 3).every((f) => f.records === 1000)).toBe(true);
    expect(manifest.counts.inputs).toBe(5000);
  });

  it('closes a shard before a line would take it past shardMaxBytes, never splitting a line', async () => {
    const items = makeResults(200);
    const spec = makeSpec({ validationFraction: 0, shardMaxRecords: 1000, shardMaxBytes: 2048 });
    const { manifest } = await publishDataset(options(store, items, spec));
    const train = manifest.files.filter((f) => f.role === 'train');
    expect(train.length).toBeGreaterThan(3);
    const onDisk = await filesOf(store, FOLDER);
    for (const file of train) {
      expect(file.bytes, file.path).toBeLessThanOrEqual(2048);
      expect(jsonl(onDisk[file.path] ?? '')).toHaveLength(file.records);
    }
    expect(train.reduce((sum, f) => sum + f.records, 0)).toBe(manifest.counts.train);
  });

  it('points <name>/_LATEST at the newest published run, never back at an older one', async () => {
    const older = await publishDataset({ ...options(store, makeResults(5)), now: () => new Date('2025-01-01T00:00:00Z') });
    const latest = async (): Promise<unknown> => JSON.parse(Buffer.from((await store.get('dataset/_LATEST')) ?? new Uint8Array()).toString('utf8'));
    expect(await latest()).toEqual({ runId: RUN, manifest: store.locate(`${FOLDER}/manifest.json`), createdAt: older.manifest.createdAt });
    const newerSpec = { ...makeSpec({ validationFraction: 0.3, shardMaxRecords: 4 }), runId: 'run-newer' };
    await publishDataset({ ...options(store, makeResults(5), newerSpec), runId: 'run-newer', now: () => new Date('2025-02-01T00:00:00Z') });
    expect(await latest()).toMatchObject({ runId: 'run-newer' });
    // A late retry of the older run (its manifest exists) leaves the pointer on the newer run.
    await publishDataset(options(store, makeResults(5)));
    expect(await latest()).toMatchObject({ runId: 'run-newer' });
    const withoutPointer = await c.open('nopointer');
    await publishDataset(options(withoutPointer, makeResults(5), makeSpec({ validationFraction: 0.3, shardMaxRecords: 4, latestPointer: false })));
    expect(await withoutPointer.exists('dataset/_LATEST')).toBe(false);
  });

  it('after a crash and two racing retries leaves one manifest and exactly the manifest\'s files', async () => {
    const items = makeResults(60);
    const crashing = new RecordingStore(store);
    crashing.failStreamsAfter = 2;
    await expect(publishDataset(options(crashing, items))).rejects.toThrow('simulated crash');
    const [a, b] = await Promise.all([publishDataset(options(store, items)), publishDataset(options(store, items))]);
    expect(a.manifest).toEqual(b.manifest);
    const onDisk = await filesOf(store, FOLDER);
    expect(Object.keys(onDisk).sort()).toEqual([...a.manifest.files.map((f) => f.path), 'manifest.json'].sort());
    const records = a.manifest.files.filter((f) => f.role === 'train' || f.role === 'validation').reduce((sum, f) => sum + jsonl(onDisk[f.path] ?? '').length, 0);
    expect(records).toBe(a.manifest.counts.accepted);
    expect(a.manifest.counts.accepted + a.manifest.counts.rejected + a.manifest.counts.errored).toBe(60);
  });
});

describe('publishDataset records what the run paid (real redis-server run store)', () => {
  const PRICES = { promptUsdPerMTok: 0.5, completionUsdPerMTok: 1.5, cachedPromptUsdPerMTok: 0.25 };
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('puts the run store\'s paid counters in the manifest, priced at model.prices, per item and per accepted example', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 's2d-publish-cost-'));
    tempDirs.push(dir);
    const store = new LocalDirStore(dir);
    const base = makeSpec({ validationFraction: 0.3, shardMaxRecords: 4 });
    const spec: ResolvedRunSpec = { ...base, model: { ...base.model, prices: PRICES } };
    const runs = new RunStore(redis, isolatedPrefix('publishcost'));
    await runs.register(spec);
    // Paid requests as workers count them: one was retried (counted twice), one reported cached prompt tokens.
    const usages = [
      { promptTokens: 1200, completionTokens: 300 },
      { promptTokens: 1200, completionTokens: 300 },
      { promptTokens: 900, completionTokens: 450, cachedPromptTokens: 512 },
      { promptTokens: 40, completionTokens: 7 },
    ];
    for (const usage of usages) await runs.countRequest(RUN, usage);
    // Items that stopped early drew fewer samples than the fixed 8; an input reject drew none.
    const items = makeResults(20).map((r, i) => ({ ...r, samples: r.status === 'rejected' && r.code === 'invalid-input' ? 0 : i % 2 === 0 ? 8 : 3 }));

    const { manifest } = await publishDataset({ ...options(store, items, spec), paid: async () => paidCountersOf((await runs.get(RUN)) ?? fail()) });
    const counters = paidCountersOf((await runs.get(RUN)) ?? fail());
    expect(counters).toEqual({ requests: 4, promptTokens: 3340, completionTokens: 1057, cachedPromptTokens: 512 });
    const cost = manifest.cost;
    expect(cost?.paid).toEqual({ ...counters, totalTokens: 4397, usd: expect.any(Number) as unknown });
    // USD from the counters: (3340 − 512) × 0.5 + 512 × 0.25 + 1057 × 1.5 = 1414 + 128 + 1585.5 = 3127.5 micro-dollars.
    const usd = ((counters.promptTokens - counters.cachedPromptTokens) * PRICES.promptUsdPerMTok + counters.cachedPromptTokens * PRICES.cachedPromptUsdPerMTok + counters.completionTokens * PRICES.completionUsdPerMTok) / 1e6;
    expect(usd).toBeCloseTo(0.0031275, 12);
    expect(cost?.paid.usd).toBeCloseTo(usd, 9);
    expect(cost?.prices).toEqual({ ...PRICES, source: 'model.prices' });
    expect(cost?.perItem).toEqual({ requests: 4 / 20, tokens: 4397 / 20, usd: expect.closeTo(usd / 20, 9) as unknown });
    const accepted = manifest.counts.accepted;
    expect(cost?.perAcceptedExample?.usd).toBeCloseTo(usd / accepted, 9);
    expect(cost?.perAcceptedExample?.requests).toBeCloseTo(4 / accepted, 4);
    const ran = items.filter((r) => r.samples > 0);
    const drawn = ran.reduce((sum, r) => sum + r.samples, 0);
    expect(cost?.samples).toEqual({ items: ran.length, drawn, max: 8 * ran.length, savedFraction: expect.closeTo(1 - drawn / (8 * ran.length), 6) as unknown });
    // The manifest on disk parses with its cost.
    expect(parseManifest(Buffer.from((await store.get(`${FOLDER}/manifest.json`)) ?? new Uint8Array()).toString('utf8')).cost).toEqual(cost);

    // Without prices: tokens, and no dollars.
    const bare = await publishUnpriced(makeSpec({ validationFraction: 0.3, shardMaxRecords: 4 }), counters);
    expect(bare.cost).toMatchObject({ prices: null, paid: { usd: null, totalTokens: 4397 }, perItem: { usd: null } });
  });

  function fail(): never {
    throw new Error('run not registered');
  }

  async function publishUnpriced(spec: ResolvedRunSpec, paid: ReturnType<typeof paidCountersOf>) {
    const dir = await mkdtemp(path.join(tmpdir(), 's2d-publish-cost-'));
    tempDirs.push(dir);
    return (await publishDataset({ store: new LocalDirStore(dir), spec, runId: RUN, results: factory(makeResults(10)), templateVersions: {}, now: NOW, paid: () => Promise.resolve(paid) })).manifest;
  }

  const options = (s: ArtifactStore, items: ItemResult[], spec: ResolvedRunSpec): PublishDatasetOptions => ({
    store: s, spec, runId: RUN, results: factory(items), templateVersions: {}, now: NOW,
  });
});
