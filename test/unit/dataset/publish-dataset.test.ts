import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../../shared/artifacts/artifact-store.js';
import { LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';
import { runSpecSchema, type ResolvedRunSpec } from '../../../shared/config/run-spec.js';
import type { ItemResult } from '../../../shared/dataset/item-result.js';
import { parseManifest } from '../../../shared/dataset/manifest.js';
import { publishDataset, type PublishDatasetOptions } from '../../../shared/dataset/publish-dataset.js';
import { assignSplit } from '../../../shared/dataset/split.js';

const RUN = 'run-abc';
const NOW = (): Date => new Date('2025-06-01T12:00:00.000Z');

function makeSpec(output: { validationFraction: number; shardMaxRecords: number }): ResolvedRunSpec {
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

type Op = { op: 'put' | 'putIfAbsent' | 'putStream:start' | 'putStream:end' | 'delete'; key: string };

/** Delegates to a real store, records every write, and can fail putStream calls after a number of them completed. */
class RecordingStore implements ArtifactStore {
  readonly ops: Op[] = [];
  failStreamsAfter = Infinity;
  #completedStreams = 0;
  constructor(private readonly inner: ArtifactStore) {}
  get location(): string {
    return this.inner.location;
  }
  getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    return this.inner.getStream(key);
  }
  locate(key: string): string {
    return this.inner.locate(key);
  }
  async put(key: string, body: string | Uint8Array): Promise<void> {
    this.ops.push({ op: 'put', key });
    await this.inner.put(key, body);
  }
  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    this.ops.push({ op: 'putIfAbsent', key });
    return this.inner.putIfAbsent(key, body);
  }
  async putStream(key: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number; sha256: string }> {
    this.ops.push({ op: 'putStream:start', key });
    const crashed = (): boolean => this.#completedStreams >= this.failStreamsAfter;
    const guarded = async function* (): AsyncGenerator<string | Uint8Array> {
      for await (const chunk of chunks) {
        if (crashed()) throw new Error(`simulated crash while writing ${key}`);
        yield chunk;
      }
    };
    const result = await this.inner.putStream(key, guarded());
    this.#completedStreams++;
    this.ops.push({ op: 'putStream:end', key });
    return result;
  }
  get(key: string): Promise<Uint8Array | null> {
    return this.inner.get(key);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }
  async delete(key: string): Promise<void> {
    this.ops.push({ op: 'delete', key });
    await this.inner.delete(key);
  }
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[path.relative(dir, path.join(e.parentPath, e.name))] = await readFile(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

const jsonl = (text: string): unknown[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

describe('publishDataset', () => {
  let root: string;
  let store: LocalDirStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 's2d-publish-'));
    store = new LocalDirStore(path.join(root, 'a'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
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

    const onDisk = await filesOf(path.join(store.location, RUN));
    expect(Object.keys(onDisk).sort()).toEqual([...manifest.files.map((f) => f.path), 'manifest.json'].sort());
    for (const file of manifest.files) {
      const text = onDisk[file.path] ?? '';
      expect(file.bytes, file.path).toBe(Buffer.byteLength(text));
      expect(file.sha256, file.path).toBe(createHash('sha256').update(text).digest('hex'));
      expect(file.records, file.path).toBe(jsonl(text).length);
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

  it('writes one empty shard for an empty split', async () => {
    const { manifest } = await publishDataset(options(store, makeResults(6), makeSpec({ validationFraction: 0, shardMaxRecords: 100 })));
    const validation = manifest.files.filter((f) => f.role === 'validation');
    expect(validation).toEqual([{ path: 'validation-00000.jsonl', role: 'validation', records: 0, bytes: 0, sha256: createHash('sha256').digest('hex') }]);
    expect(await store.exists(`${RUN}/validation-00000.jsonl`)).toBe(true);
  });

  it('writes the manifest last, create-only, after every data file is complete', async () => {
    const recording = new RecordingStore(store);
    await publishDataset(options(recording, makeResults(40)));
    const last = recording.ops.at(-1);
    expect(last).toEqual({ op: 'putIfAbsent', key: `${RUN}/manifest.json` });
    const starts = recording.ops.filter((o) => o.op === 'putStream:start').length;
    expect(recording.ops.filter((o) => o.op === 'putStream:end')).toHaveLength(starts);
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
    expect(await store.exists(`${RUN}/manifest.json`)).toBe(false);
    const completed = crashing.ops.filter((o) => o.op === 'putStream:end').map((o) => o.key.slice(RUN.length + 1));
    // Usually one shard; a second may slip through if its last chunk was taken before the first one finished.
    expect(completed.length).toBeGreaterThanOrEqual(1);
    expect(completed).not.toContain('provenance.jsonl');
    // Exactly the completed shards are on disk: no partial file, no temp file.
    expect(Object.keys(await filesOf(path.join(store.location, RUN))).sort()).toEqual(completed.sort());

    const retry = await publishDataset(options(store, items));
    expect(retry.created).toBe(true);
    const clean = new LocalDirStore(path.join(root, 'clean'));
    const reference = await publishDataset(options(clean, items));
    expect(retry.manifest).toEqual(reference.manifest);
    expect(await filesOf(path.join(store.location, RUN))).toEqual(await filesOf(path.join(clean.location, RUN)));
  });

  it('removes shards a previous attempt wrote beyond the final set', async () => {
    await store.put(`${RUN}/train-00009.jsonl`, 'stale');
    const { manifest } = await publishDataset(options(store, makeResults(10)));
    expect(await store.exists(`${RUN}/train-00009.jsonl`)).toBe(false);
    expect(Object.keys(await filesOf(path.join(store.location, RUN))).sort()).toEqual([...manifest.files.map((f) => f.path), 'manifest.json'].sort());
  });

  it('lets one of two concurrent publishers commit and gives both the same manifest', async () => {
    const items = makeResults(30);
    const [a, b] = await Promise.all([publishDataset(options(store, items)), publishDataset(options(store, items))]);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    expect(a.manifest).toEqual(b.manifest);
  });

  it('refuses results out of index order or with a gap, and commits nothing', async () => {
    const items = makeResults(10);
    const gap = [...items.slice(0, 4), ...items.slice(5)];
    await expect(publishDataset(options(store, gap))).rejects.toThrow('expected index 4, got 5');
    expect(await store.exists(`${RUN}/manifest.json`)).toBe(false);
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
});
