import { randomBytes } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from './artifact-store.js';
import { HashingChunks } from './hashing-chunks.js';

/**
 * Prefix of in-flight temp files. They live beside their final file (so `rename`/`link` never cross a filesystem),
 * are hidden from `list`, and no key may use the prefix, so a temp file can never be mistaken for an object.
 */
const TEMP_PREFIX = '.s2d-tmp-';

/** A key or prefix the store refuses: absolute, `..`/`.` segments, empty segments, backslashes, NUL. */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(`invalid artifact key ${JSON.stringify(key)}: ${why}`);
    this.name = 'InvalidKeyError';
  }
}

/**
 * The embedded artifact store: one file per key under a root directory, with the same layout a bucket would have.
 *
 * Every write goes to a unique temp file in the destination directory, is fsynced, and is then renamed (replace)
 * or hard-linked (create-only) into place, so readers see the whole old object, the whole new one, or nothing —
 * also across processes sharing the directory. Limitation of a filesystem: a key cannot be both an object and a
 * "folder" of other keys (`a` and `a/b`); such a write fails with the filesystem's ENOTDIR/EISDIR error.
 */
export class LocalDirStore implements ArtifactStore {
  readonly location: string;

  /**
   * Directories this store has made or found (a write's mkdir is skipped there). One removed since (e.g. a run's
   * staging folder, deleted after publication) is made again when a write finds it missing.
   */
  readonly #dirs = new Set<string>();

  /** @param root directory that holds the objects; created on the first write. Relative paths resolve against cwd. */
  constructor(root: string) {
    this.location = path.resolve(root);
  }

  locate(key: string): string {
    return this.#path(key);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const file = this.#path(key);
    const temp = await this.#writeTemp(file, body);
    try {
      await rename(temp, file);
    } catch (error) {
      await unlinkQuietly(temp);
      throw error;
    }
    await syncDir(path.dirname(file));
  }

  async putIfAbsent(key: string, body: string | Uint8Array): Promise<boolean> {
    const file = this.#path(key);
    const temp = await this.#writeTemp(file, body);
    try {
      // link() fails with EEXIST when the name exists, atomically, so exactly one of any number of processes wins,
      // and the winner's object appears complete because its bytes were written and synced before the link.
      await link(temp, file);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw error;
    } finally {
      await unlinkQuietly(temp);
    }
    await syncDir(path.dirname(file));
    return true;
  }

  async putStream(key: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number; sha256: string }> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = tempPathFor(file);
    const source = new HashingChunks(chunks);
    try {
      // pipeline() pulls from the source only while the write stream is below its high-water mark (backpressure);
      // flush: true fsyncs before close so the rename below publishes durable bytes.
      await pipeline(Readable.from(source), createWriteStream(temp, { flags: 'wx', flush: true }));
      await rename(temp, file);
    } catch (error) {
      await unlinkQuietly(temp);
      throw error;
    }
    await syncDir(path.dirname(file));
    return source.result();
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      const buf = await readFile(this.#path(key));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (error) {
      // A key that names a "folder" of other keys is not an object.
      if (isMissing(error) || errorCode(error) === 'EISDIR') return null;
      throw error;
    }
  }

  async getStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    // Open first so a missing object is null here rather than an error in the middle of the caller's loop.
    let handle;
    try {
      handle = await open(this.#path(key), 'r');
    } catch (error) {
      if (isMissing(error) || errorCode(error) === 'EISDIR') return null;
      throw error;
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      return null;
    }
    return handle.createReadStream({ highWaterMark: 256 * 1024 });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#path(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /**
   * Walks only the directories the prefix can match, one directory listing at a time, in key order. A prefix
   * either ends with `/` (a folder) or ends inside a name (`run-1/train-` matches `run-1/train-00000.jsonl`).
   */
  async *list(prefix: string): AsyncIterable<string> {
    const cut = prefix.lastIndexOf('/') + 1;
    const folder = prefix.slice(0, cut);
    const namePrefix = prefix.slice(cut);
    if (folder !== '') validateKey(folder.slice(0, -1));
    if (namePrefix.includes('\\') || namePrefix.includes('\0')) throw new InvalidKeyError(prefix, 'no "\\" or NUL');
    yield* this.#walk(folder, namePrefix);
  }

  async delete(key: string): Promise<void> {
    await unlinkQuietly(this.#path(key));
  }

  async *#walk(folder: string, namePrefix: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(this.location, ...folder.split('/')), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Sorting a directory's names with "/" appended to folders puts its keys in the same byte order a flat
    // listing of full keys has ("a-b" < "a/c" because "-" < "/").
    const named = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .filter((e) => !e.name.startsWith(TEMP_PREFIX) && e.name.startsWith(namePrefix))
      .map((e) => {
        const dir = e.isDirectory();
        return { name: e.name, dir, sortKey: Buffer.from(dir ? `${e.name}/` : e.name) };
      })
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const entry of named) {
      if (entry.dir) yield* this.#walk(`${folder}${entry.name}/`, '');
      else yield `${folder}${entry.name}`;
    }
  }

  /** {@link writeTemp} into the file's directory, made first unless this store knows it exists. */
  async #writeTemp(file: string, body: string | Uint8Array): Promise<string> {
    const dir = path.dirname(file);
    if (!this.#dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      // Bounded: a long-lived worker sees a few folders per run, over many runs.
      if (this.#dirs.size >= MAX_KNOWN_DIRS) this.#dirs.clear();
      this.#dirs.add(dir);
      return writeTemp(file, body);
    }
    try {
      return await writeTemp(file, body);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      this.#dirs.delete(dir);
      return this.#writeTemp(file, body);
    }
  }

  #path(key: string): string {
    validateKey(key);
    return path.join(this.location, ...key.split('/'));
  }
}

/** Throws {@link InvalidKeyError} unless `key` is a relative, `/`-separated path of plain segments. */
export function validateKey(key: string): void {
  if (key === '') throw new InvalidKeyError(key, 'empty');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'absolute paths are not keys');
  if (key.includes('\\')) throw new InvalidKeyError(key, 'use "/" as the separator, not "\\"');
  if (key.includes('\0')) throw new InvalidKeyError(key, 'NUL character');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidKeyError(key, 'empty path segment (leading, trailing or double "/")');
    if (segment === '.' || segment === '..') throw new InvalidKeyError(key, `"${segment}" segments are not allowed`);
    if (segment.startsWith(TEMP_PREFIX)) throw new InvalidKeyError(key, `"${TEMP_PREFIX}" is reserved for temp files`);
  }
}

function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `${TEMP_PREFIX}${path.basename(file)}.${randomBytes(8).toString('hex')}`);
}

/** Directories a store remembers as existing, at most (see LocalDirStore's #dirs). */
const MAX_KNOWN_DIRS = 1024;

/** Writes the body to a fresh temp file beside `file` (whose directory must exist), fsynced; returns the temp path. */
async function writeTemp(file: string, body: string | Uint8Array): Promise<string> {
  const temp = tempPathFor(file);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(body);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlinkQuietly(temp);
    throw error;
  }
  await handle.close();
  return temp;
}

/** Makes a rename/link durable. Best effort: some platforms (Windows) cannot open or fsync a directory. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is an extra; the write itself already succeeded.
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** ENOTDIR counts as missing: `a/b` cannot exist when `a` is a file. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
