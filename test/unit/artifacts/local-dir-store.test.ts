import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidKeyError, LocalDirStore } from '../../../shared/artifacts/local-dir-store.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const decode = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}

/** Every file under a directory, temp files included (what is really on disk). */
async function filesOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('LocalDirStore', () => {
  let root: string;
  let store: LocalDirStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 's2d-store-'));
    store = new LocalDirStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('puts, gets, replaces, checks and deletes objects', async () => {
    expect(await store.get('run/a.json')).toBeNull();
    expect(await store.exists('run/a.json')).toBe(false);
    await store.put('run/a.json', 'one');
    await store.put('run/a.json', new TextEncoder().encode('two'));
    expect(decode(await store.get('run/a.json'))).toBe('two');
    expect(await store.exists('run/a.json')).toBe(true);
    expect(await store.exists('run')).toBe(false); // a folder is not an object
    expect(await store.get('run')).toBeNull();
    expect(store.locate('run/a.json')).toBe(path.join(root, 'run', 'a.json'));
    expect(store.location).toBe(root);
    await store.delete('run/a.json');
    await store.delete('run/a.json'); // deleting a missing object is fine
    expect(await store.get('run/a.json')).toBeNull();
    expect(await filesOnDisk(root)).toEqual([]);
  });

  it('writes into a folder removed since its last write there (it remembers folders, and makes a missing one again)', async () => {
    await store.put('run/items/a.json', 'a');
    expect(await store.putIfAbsent('run/items/b.json', 'b')).toBe(true);
    await rm(path.join(root, 'run'), { recursive: true });
    await store.put('run/items/c.json', 'c');
    expect(await store.putIfAbsent('run/items/d.json', 'd')).toBe(true);
    expect(await collect(store.list('run/'))).toEqual(['run/items/c.json', 'run/items/d.json']);
    expect(await filesOnDisk(root)).toEqual(expect.arrayContaining(['run/items/c.json', 'run/items/d.json']));
    expect(await filesOnDisk(root)).toHaveLength(2);
  });

  it('never lets a reader see a partly written object', async () => {
    const size = 2 * 1024 * 1024;
    const bodies = ['a', 'b'].map((c) => c.repeat(size));
    await store.put('big.txt', bodies[0] ?? '');
    const state = { writing: true };
    const writer = (async () => {
      for (let i = 0; i < 20; i++) await store.put('big.txt', bodies[i % 2] ?? '');
      state.writing = false;
    })();
    let reads = 0;
    while (state.writing) {
      const text = decode(await store.get('big.txt'));
      expect(text?.length).toBe(size);
      expect(text === bodies[0] || text === bodies[1]).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(await filesOnDisk(root)).toEqual(['big.txt']);
  });

  it('streams chunks into an object and reports its size and sha256', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    let pulled = 0;
    async function* source(): AsyncGenerator<string | Uint8Array> {
      for (let i = 0; i < 200; i++) {
        await Promise.resolve();
        pulled++;
        yield i % 2 === 0 ? chunk : new TextEncoder().encode(chunk);
      }
      yield 'é\n';
    }
    const result = await store.putStream('s/stream.txt', source());
    const expected = chunk.repeat(200) + 'é\n';
    expect(pulled).toBe(200);
    expect(result.bytes).toBe(Buffer.byteLength(expected));
    expect(result.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(decode(await store.get('s/stream.txt'))).toBe(expected);
  });

  it('pulls stream chunks only as fast as the file takes them (backpressure)', async () => {
    let pulled = 0;
    let maxAhead = 0;
    let written = 0;
    const chunk = 'y'.repeat(256 * 1024);
    async function* source(): AsyncGenerator<string> {
      for (let i = 0; i < 64; i++) {
        await Promise.resolve();
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - written);
        yield chunk;
        written++;
      }
    }
    await store.putStream('bp.txt', source());
    // A consumer that buffered everything would pull all 64 chunks before any write completed.
    expect(maxAhead).toBeLessThan(8);
  });

  it('leaves neither the object nor a temp file when a stream fails, and keeps the old object', async () => {
    await store.put('s/keep.txt', 'old');
    async function* failing(): AsyncGenerator<string> {
      yield 'new data';
      await Promise.resolve();
      throw new Error('source broke');
    }
    await expect(store.putStream('s/keep.txt', failing())).rejects.toThrow('source broke');
    await expect(store.putStream('s/fresh.txt', failing())).rejects.toThrow('source broke');
    expect(decode(await store.get('s/keep.txt'))).toBe('old');
    expect(await store.exists('s/fresh.txt')).toBe(false);
    expect(await filesOnDisk(root)).toEqual([path.join('s', 'keep.txt')]);
  });

  it('lets exactly one of many concurrent putIfAbsent callers win', async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => store.putIfAbsent('run/manifest.json', `writer ${i}`)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const winner = outcomes.indexOf(true);
    expect(decode(await store.get('run/manifest.json'))).toBe(`writer ${winner}`);
    expect(await store.putIfAbsent('run/manifest.json', 'late')).toBe(false);
    expect(await filesOnDisk(root)).toEqual([path.join('run', 'manifest.json')]);
  });

  it('lets exactly one process win a putIfAbsent race across processes', async () => {
    const storeModule = path.join(repoRoot, 'shared/artifacts/local-dir-store.ts');
    const script = `
      const { LocalDirStore } = await import(${JSON.stringify(storeModule)});
      const store = new LocalDirStore(${JSON.stringify(root)});
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.putIfAbsent('race/key-' + i, String(process.pid))));
      process.stdout.write(JSON.stringify(wins));
    `;
    const run = promisify(execFile);
    const children = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot })),
    );
    const wins = children.map((c) => JSON.parse(c.stdout) as boolean[]);
    for (let key = 0; key < 20; key++) expect(wins.filter((w) => w[key]).length).toBe(1);
    expect(await collect(store.list('race/'))).toHaveLength(20);
  }, 60_000);

  it('lists keys under a prefix in byte order, walking only what the prefix can match', async () => {
    const keys = ['b', 'a/c', 'a-b', 'a/b/d', 'a.x', 'run-1/train-00001.jsonl', 'run-1/train-00000.jsonl', 'run-1/rejects.jsonl', 'run-10/x'];
    for (const key of keys) await store.put(key, key);
    // A crashed writer's temp file must stay invisible.
    await writeFile(path.join(root, 'run-1', '.s2d-tmp-train-00002.jsonl.abc'), 'partial');
    await mkdir(path.join(root, 'empty-dir'));
    const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await collect(store.list(''))).toEqual(sorted);
    expect(await collect(store.list('run-1/'))).toEqual(['run-1/rejects.jsonl', 'run-1/train-00000.jsonl', 'run-1/train-00001.jsonl']);
    expect(await collect(store.list('run-1/train-'))).toEqual(['run-1/train-00000.jsonl', 'run-1/train-00001.jsonl']);
    expect(await collect(store.list('run-1'))).toEqual(['run-1/rejects.jsonl', 'run-1/train-00000.jsonl', 'run-1/train-00001.jsonl', 'run-10/x']);
    expect(await collect(store.list('a'))).toEqual(['a-b', 'a.x', 'a/b/d', 'a/c']);
    expect(await collect(store.list('nothing/here/'))).toEqual([]);
    expect(await collect(store.list('b/'))).toEqual([]); // "b" is an object, not a folder
  });

  it('rejects keys that are absolute, escape the root or have empty segments, with a clear error', async () => {
    const bad = ['', '/etc/passwd', '../x', 'a/../../b', './a', 'a//b', 'a/', 'a\\b', 'run/.s2d-tmp-x', 'a\0b'];
    for (const key of bad) {
      await expect(store.put(key, 'x'), key).rejects.toThrow(InvalidKeyError);
      expect(() => store.locate(key)).toThrow(/invalid artifact key/);
    }
    await expect(store.get('../outside')).rejects.toThrow('invalid artifact key "../outside": ".." segments are not allowed');
    await expect(collect(store.list('../'))).rejects.toThrow(InvalidKeyError);
  });

  it('streams an object in chunks without reading it whole; null for a missing key or a folder', async () => {
    const big = Buffer.alloc(700 * 1024, 'x');
    big.write('end', big.length - 3);
    await store.put('run/big.jsonl', big);
    const stream = await store.getStream('run/big.jsonl');
    if (stream === null) throw new Error('expected a stream');
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
    expect(await store.getStream('run/none.jsonl')).toBeNull();
    expect(await store.getStream('run')).toBeNull();
    await expect(store.getStream('../x')).rejects.toThrow(InvalidKeyError);
  });
});
