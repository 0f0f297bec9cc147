import { createHash, type Hash } from 'node:crypto';
import type { Manifest, ManifestFile } from './manifest.js';

/** What was actually read for one file: its size, sha256 (hex) and JSONL line count (Parquet: rows). */
export interface ObservedFile {
  bytes: number;
  sha256: string;
  records: number;
}

/**
 * Size, sha256 and line count of bytes passing through, chunk by chunk (nothing held). A line is a `\n`-terminated
 * run of bytes, or a non-empty tail without one — the way the manifest counts records.
 */
export class FileDigest {
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #newlines = 0;
  #endsWithNewline = true;

  update(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 0x0a) this.#newlines++;
    this.#endsWithNewline = chunk[chunk.byteLength - 1] === 0x0a;
  }

  result(): ObservedFile {
    return { bytes: this.#bytes, sha256: this.#hash.digest('hex'), records: this.#newlines + (this.#endsWithNewline ? 0 : 1) };
  }
}

/** The problem with one file, as one line naming it, or null when it is exactly what the manifest lists. */
export function checkFile(expected: ManifestFile, observed: ObservedFile | null): string | null {
  const name = expected.path;
  if (observed === null) return `${name}: missing (the manifest lists ${expected.bytes} bytes)`;
  if (observed.bytes !== expected.bytes) return `${name}: ${observed.bytes} bytes, the manifest says ${expected.bytes}`;
  if (observed.sha256 !== expected.sha256) return `${name}: sha256 ${observed.sha256} does not match the manifest's ${expected.sha256}`;
  const unit = expected.role.endsWith('-parquet') ? 'rows' : 'lines';
  if (observed.records !== expected.records) return `${name}: ${observed.records} ${unit}, the manifest says ${expected.records}`;
  return null;
}

/** Totals of a dataset as its manifest describes it (what `s2d collect` reports). */
export interface DatasetSummary {
  runId: string;
  name: string;
  files: number;
  bytes: number;
  /** JSONL lines over the JSONL files (shards, provenance, rejects); Parquet rows and the card's lines are left out. */
  records: number;
  /** Files per role, e.g. { train: 2, validation: 1, provenance: 1, rejects: 1 }. */
  filesByRole: Record<string, number>;
  counts: Manifest['counts'];
  /** A partial dataset (its run was cancelled or ran out of budget): why, and how many items were never processed. */
  stopped: NonNullable<Manifest['stopped']> | null;
}

const JSONL_ROLES: readonly string[] = ['train', 'validation', 'provenance', 'rejects'];

export function summariseDataset(manifest: Manifest): DatasetSummary {
  const filesByRole: Record<string, number> = {};
  for (const file of manifest.files) filesByRole[file.role] = (filesByRole[file.role] ?? 0) + 1;
  return {
    runId: manifest.runId,
    name: manifest.name,
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0),
    records: manifest.files.filter((f) => JSONL_ROLES.includes(f.role)).reduce((sum, f) => sum + f.records, 0),
    filesByRole,
    counts: manifest.counts,
    stopped: manifest.stopped ?? null,
  };
}

/**
 * Splits a manifest locator into the dataset folder's locator and the manifest's name. Accepts the manifest itself
 * (`…/<runId>/manifest.json`) or its folder; `file://` URLs are the caller's to turn into paths first.
 */
export function datasetFolderOf(location: string): string {
  const trimmed = location.replace(/\/+$/, '');
  if (trimmed === 'manifest.json') return '.';
  return trimmed.endsWith('/manifest.json') ? trimmed.slice(0, -'/manifest.json'.length) : trimmed;
}
