import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LazyArtifactStore } from '../../../shared/artifacts/lazy-artifact-store.js';
import { LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';
import { openArtifactStore } from '../../../shared/artifacts/open-artifact-store.js';

describe('LazyArtifactStore', () => {
  it('loads its store once, on first use, and passes every call through', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's2d-lazy-store-'));
    let loads = 0;
    const store = new LazyArtifactStore({
      location: dir,
      locate: (key) => `${dir}/${key}`,
      load: () => {
        loads += 1;
        return Promise.resolve(new LocalDirStore(dir));
      },
    });
    expect(store.locate('a/b.txt')).toBe(`${dir}/a/b.txt`);
    expect(loads).toBe(0);
    await Promise.all([store.put('a/b.txt', 'hello'), store.putIfAbsent('a/c.txt', 'x')]);
    expect(await store.putIfAbsent('a/c.txt', 'y')).toBe(false);
    expect(new TextDecoder().decode((await store.get('a/b.txt')) ?? new Uint8Array())).toBe('hello');
    const listed: string[] = [];
    for await (const key of store.list('a/')) listed.push(key);
    expect(listed.sort()).toEqual(['a/b.txt', 'a/c.txt']);
    await store.delete('a/b.txt');
    expect(await store.exists('a/b.txt')).toBe(false);
    expect(loads).toBe(1);
  });

  it('tries a failed load again on the next call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's2d-lazy-store-'));
    let loads = 0;
    const store = new LazyArtifactStore({
      location: dir,
      locate: (key) => key,
      load: () => (++loads === 1 ? Promise.reject(new Error('first load fails')) : Promise.resolve(new LocalDirStore(dir))),
    });
    await expect(store.exists('k')).rejects.toThrow('first load fails');
    expect(await store.exists('k')).toBe(false);
    expect(loads).toBe(2);
  });

  it('names S3 locations without loading the AWS SDK, validating keys as the S3 store does', () => {
    const store = openArtifactStore('s3://my-bucket/datasets/', { AWS_REGION: 'us-east-1' });
    expect(store.location).toBe('s3://my-bucket/datasets');
    expect(store.locate('run-1/manifest.json')).toBe('s3://my-bucket/datasets/run-1/manifest.json');
    expect(() => store.locate('../escape')).toThrow();
  });
});
