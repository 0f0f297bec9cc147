import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { MANIFEST_FILE_NAME, parseManifest, serializeManifest, type Manifest, type ManifestFile } from '../../shared/dataset/manifest.js';
import { parquetRowCount } from '../../shared/dataset/parquet-row-count.js';
import { checkFile, FileDigest, type ObservedFile } from '../../shared/dataset/verify-dataset.js';

/** Files of a dataset that do not match its manifest; one line per file. */
export class DatasetMismatchError extends Error {
  override readonly name = 'DatasetMismatchError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length} file${problems.length === 1 ? '' : 's'} do${problems.length === 1 ? 'es' : ''} not match the manifest: ${problems.join('; ')}`);
  }
}

export interface DownloadedDataset {
  manifest: Manifest;
  /** Where the dataset now is: `<into>/<runId>/`. */
  dir: string;
}

/**
 * Copies a published dataset out of a store (whose root is the dataset folder) into `<into>/<runId>/`, verifying each
 * file's size, sha256 and line count (rows for a Parquet file) against the manifest as it streams to disk. Everything goes to a temp folder
 * beside the target first and is renamed into place only when every file matched, manifest last; on any problem the
 * temp folder is removed, so a `<runId>/` folder that exists is always complete. An earlier copy is replaced.
 */
export async function downloadDataset(store: ArtifactStore, into: string): Promise<DownloadedDataset> {
  const manifestBytes = await store.get(MANIFEST_FILE_NAME);
  const source = store.locate(MANIFEST_FILE_NAME);
  if (manifestBytes === null) throw new DatasetMismatchError(source, [`${MANIFEST_FILE_NAME}: missing (is the dataset published?)`]);
  const manifest = parseManifest(manifestBytes, source);
  const target = path.resolve(into, manifest.runId);
  const temp = path.resolve(into, `.s2d-collect-${manifest.runId}-${randomBytes(6).toString('hex')}`);
  await mkdir(temp, { recursive: true });
  try {
    const problems: string[] = [];
    for (const file of manifest.files) {
      const local = path.join(temp, ...file.path.split('/'));
      const copied = await copyFile(store, file.path, local);
      const observed = copied !== null && isParquet(file) ? await withParquetRows(copied, local) : copied;
      const problem = typeof observed === 'string' ? `${file.path}: ${observed}` : checkFile(file, observed);
      if (problem !== null) problems.push(problem);
    }
    if (problems.length > 0) throw new DatasetMismatchError(source, problems);
    await writeFile(path.join(temp, MANIFEST_FILE_NAME), serializeManifest(manifest), { flush: true });
    await replaceDir(temp, target);
    return { manifest, dir: target };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function isParquet(file: ManifestFile): boolean {
  return file.role === 'train-parquet' || file.role === 'validation-parquet';
}

/** A Parquet file's records are its rows (from the footer), not its newline bytes; a string when it cannot be read. */
async function withParquetRows(observed: ObservedFile, file: string): Promise<ObservedFile | string> {
  const rows = await parquetRowCount(file);
  return typeof rows === 'number' ? { ...observed, records: rows } : rows.problem;
}

/** Streams one object to a file, digesting it on the way; null when the store has no such object. */
async function copyFile(store: ArtifactStore, key: string, file: string): Promise<ObservedFile | null> {
  const stream = await store.getStream(key);
  if (stream === null) return null;
  await mkdir(path.dirname(file), { recursive: true });
  const digest = new FileDigest();
  async function* digested(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      digest.update(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(digested(stream)), createWriteStream(file, { flags: 'wx' }));
  return digest.result();
}

/** Moves the verified temp folder to the target, replacing an earlier copy (set aside first, removed after). */
async function replaceDir(temp: string, target: string): Promise<void> {
  const exists = await stat(target).then(() => true, () => false);
  if (!exists) {
    await rename(temp, target);
    return;
  }
  const aside = `${temp}-old`;
  await rename(target, aside);
  await rename(temp, target);
  await rm(aside, { recursive: true, force: true });
}
