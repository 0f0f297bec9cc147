import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { LocalDirStore } from '../../shared/artifacts/local-dir-store.js';
import { S3ArtifactStore } from '../../shared/artifacts/s3-artifact-store.js';
import { readS3Settings } from '../../shared/config/s3-env.js';
import { useTestS3 } from '../helpers/test-s3.js';

const s3 = useTestS3();
const decode = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}

async function* chunksOf(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

interface StoreCase {
  name: string;
  /** A fresh, empty store. */
  open(): Promise<ArtifactStore>;
  /** The locator expected for a key of a store made by `open`. */
  locator(store: ArtifactStore, key: string): string;
}

const tempDirs: string[] = [];
let bucket = '';

/** The same contract, run against the local directory store and against S3 (s3rver over HTTP). */
const cases: StoreCase[] = [
  {
    name: 'LocalDirStore',
    open: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 's2d-contract-'));
      tempDirs.push(dir);
      return new LocalDirStore(dir);
    },
    locator: (store, key) => path.join(store.location, ...key.split('/')),
  },
  {
    name: 'S3ArtifactStore',
    open: () => Promise.resolve(s3.store(bucket, `p${String(Math.random()).slice(2, 10)}/root`)),
    locator: (store, key) => `${store.location}/${key}`,
  },
];

beforeAll(async () => {
  bucket = await s3.freshBucket('contract');
});
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe.each(cases)('ArtifactStore contract: $name', (c) => {
  it('puts, gets, replaces, checks and deletes objects', async () => {
    const store = await c.open();
    expect(await store.get('run/a.json')).toBeNull();
    expect(await store.exists('run/a.json')).toBe(false);
    await store.put('run/a.json', 'one');
    await store.put('run/a.json', new TextEncoder().encode('two'));
    expect(decode(await store.get('run/a.json'))).toBe('two');
    expect(await store.exists('run/a.json')).toBe(true);
    expect(await store.exists('run')).toBe(false);
    expect(await store.get('run')).toBeNull();
    expect(store.locate('run/a.json')).toBe(c.locator(store, 'run/a.json'));
    await store.delete('run/a.json');
    await store.delete('run/a.json');
    expect(await store.get('run/a.json')).toBeNull();
    expect(await collect(store.list(''))).toEqual([]);
  });

  it('creates only once with putIfAbsent and keeps the first body', async () => {
    const store = await c.open();
    expect(await store.putIfAbsent('run/manifest.json', 'first')).toBe(true);
    expect(await store.putIfAbsent('run/manifest.json', 'second')).toBe(false);
    expect(decode(await store.get('run/manifest.json'))).toBe('first');
  });

  it('streams chunks into an object and reports its size and sha256, empty streams included', async () => {
    const store = await c.open();
    const parts = ['{"a":1}\n', '', 'ünïcødé\n', 'x'.repeat(100_000)];
    const result = await store.putStream('run/train-00000.jsonl', chunksOf(...parts));
    const whole = parts.join('');
    expect(result).toEqual({ bytes: Buffer.byteLength(whole), sha256: sha256(whole) });
    expect(decode(await store.get('run/train-00000.jsonl'))).toBe(whole);
    expect(await store.putStream('run/empty.jsonl', chunksOf())).toEqual({ bytes: 0, sha256: sha256('') });
    expect(decode(await store.get('run/empty.jsonl'))).toBe('');
  });

  it('leaves no object when a stream fails, and keeps the old object', async () => {
    const store = await c.open();
    await store.put('run/x.jsonl', 'old');
    async function* failing(): AsyncGenerator<string> {
      yield 'new part';
      await Promise.resolve();
      throw new Error('source broke');
    }
    await expect(store.putStream('run/x.jsonl', failing())).rejects.toThrow(/source broke/);
    await expect(store.putStream('run/y.jsonl', failing())).rejects.toThrow(/source broke/);
    expect(decode(await store.get('run/x.jsonl'))).toBe('old');
    expect(await store.exists('run/y.jsonl')).toBe(false);
    expect(await collect(store.list('run/'))).toEqual(['run/x.jsonl']);
  });

  it('lists keys under a prefix in byte order, folder and partial-name prefixes alike', async () => {
    const store = await c.open();
    const keys = ['b/z.json', 'a/c.json', 'a-b', 'a/b/d.json', 'run-1/train-00001.jsonl', 'run-1/train-00000.jsonl', 'run-1/rejects.jsonl', 'run-10/x'];
    for (const key of keys) await store.put(key, key);
    expect(await collect(store.list(''))).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    expect(await collect(store.list('a/'))).toEqual(['a/b/d.json', 'a/c.json']);
    expect(await collect(store.list('run-1/train-'))).toEqual(['run-1/train-00000.jsonl', 'run-1/train-00001.jsonl']);
    expect(await collect(store.list('nothing/'))).toEqual([]);
  });

  it('rejects keys that escape the root or have empty segments', async () => {
    const store = await c.open();
    for (const bad of ['', '/abs', 'a/../b', 'a//b', 'a/', './a', 'a\\b']) {
      await expect(store.put(bad, 'x'), bad).rejects.toThrow(/invalid artifact key/);
    }
  });
});

describe('S3ArtifactStore specifics (s3rver over HTTP)', () => {
  it('uploads an object larger than one 5 MiB part as a multipart upload with the right bytes and sha256', async () => {
    const store = s3.store(bucket, 'multipart', 5);
    const commands: string[] = [];
    s3.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    const line = `${'m'.repeat(1023)}\n`;
    const lines = 12 * 1024; // 12 MiB: three parts of 5 MiB
    async function* big(): AsyncGenerator<string> {
      for (let i = 0; i < lines; i += 64) {
        await Promise.resolve();
        yield line.repeat(64);
      }
    }
    const expected = createHash('sha256');
    for (let i = 0; i < lines; i += 64) expected.update(line.repeat(64));
    const result = await store.putStream('big.jsonl', big());
    expect(result).toEqual({ bytes: lines * 1024, sha256: expected.digest('hex') });
    const stored = await store.get('big.jsonl');
    expect(stored?.byteLength).toBe(lines * 1024);
    expect(createHash('sha256').update(stored ?? new Uint8Array()).digest('hex')).toBe(result.sha256);
    // The commands the real client sent prove the upload really was multipart (3 parts of <= 5 MiB).
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands).not.toContain('PutObjectCommand');
    s3.client.middlewareStack.remove('recordCommands');
  });

  it('reports the source error of a multipart upload that fails after the first part, and leaves no object', async () => {
    const store = s3.store(bucket, 'multipart-fail', 5);
    const commands: string[] = [];
    s3.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'recordAbort' },
    );
    async function* failing(): AsyncGenerator<string> {
      for (let i = 0; i < 7; i++) {
        await Promise.resolve();
        yield 'f'.repeat(1024 * 1024);
      }
      throw new Error('source broke after 7 MiB');
    }
    try {
      await expect(store.putStream('big-fail.jsonl', failing())).rejects.toThrow('source broke after 7 MiB');
    } finally {
      s3.client.middlewareStack.remove('recordAbort');
    }
    expect(commands).toContain('CreateMultipartUploadCommand');
    // The SDK asks the server to abort (s3rver does not implement it; AWS does, and a lifecycle rule catches the rest).
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(await store.exists('big-fail.jsonl')).toBe(false);
  });

  it('lists across ListObjectsV2 pages (continuation tokens) without losing or repeating a key', async () => {
    const paged = new S3ArtifactStore({ client: s3.client, bucket, prefix: 'paged', settings: readS3Settings(s3.env), listPageSize: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `run/item-${String(i).padStart(2, '0')}.json`);
    for (const key of keys) await paged.put(key, key);
    expect(await collect(paged.list('run/'))).toEqual(keys);
    expect(await collect(paged.list('run/item-0'))).toEqual(keys.slice(0, 10));
    expect(await collect(paged.list('run/item-1'))).toEqual([]);
  });

  it('locates keys as s3:// URIs under the prefix and treats a missing bucket as an error, not as "absent"', async () => {
    const store = s3.store(bucket, 'a/b');
    expect(store.location).toBe(`s3://${bucket}/a/b`);
    expect(store.locate('run/manifest.json')).toBe(`s3://${bucket}/a/b/run/manifest.json`);
    const missing = s3.store('s2d-no-such-bucket-here');
    await expect(missing.get('x')).rejects.toThrow();
  });
});
