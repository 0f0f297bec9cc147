import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { MANIFEST_FILE_NAME } from './manifest.js';

/**
 * Where a published dataset lives in its store, the same on a local directory and on S3:
 *
 *   <root>/<name>/<runId>/train-NNNNN.jsonl, validation-NNNNN.jsonl, provenance.jsonl, rejects.jsonl
 *   <root>/<name>/<runId>/manifest.json   (written last, create-only: the commit marker)
 *   <root>/<name>/<runId>/v<N>/…          (version N >= 2 of the run's dataset, after `s2d retry`: the same files)
 *   <root>/<name>/_LATEST                 (optional pointer to the newest published run of the name)
 *   <root>/_staging/<runId>/items/...     (per-item results while the run is in progress)
 *
 * Names and run ids start with a letter or digit, so no dataset can collide with `_staging` or `_LATEST`, and `v<N>`
 * inside a run's folder can be no file of version 1 (those all end in `.jsonl` or `.json`). Version 1 stays where it
 * always was, so a manifest path once handed out never changes meaning.
 */
export function datasetFolder(name: string, runId: string, version = 1): string {
  return version <= 1 ? `${name}/${runId}` : `${name}/${runId}/v${version}`;
}

export function manifestKey(name: string, runId: string, version = 1): string {
  return `${datasetFolder(name, runId, version)}/${MANIFEST_FILE_NAME}`;
}

export const LATEST_FILE_NAME = '_LATEST';

export function latestKey(name: string): string {
  return `${name}/${LATEST_FILE_NAME}`;
}

/** The `_LATEST` object: which run of a dataset name was published most recently, and where its manifest is. */
export interface LatestPointer {
  runId: string;
  manifest: string;
  /** The manifest's createdAt: the pointer only moves forward in time. */
  createdAt: string;
}

/**
 * Points `<name>/_LATEST` at a published run unless it already points at one created later. Written after the
 * manifest, so it never names an uncommitted run. Best effort against concurrency: two different runs of one name
 * publishing at the same instant may leave either (object stores have no compare-and-swap on arbitrary content
 * that all S3-compatible servers honour); readers must treat it as a hint and trust only manifests.
 */
export async function updateLatestPointer(store: ArtifactStore, name: string, pointer: LatestPointer): Promise<boolean> {
  const key = latestKey(name);
  const existing = await store.get(key);
  if (existing !== null) {
    try {
      const current = JSON.parse(Buffer.from(existing).toString('utf8')) as Partial<LatestPointer>;
      // The same publication again (a retried publish job) leaves it; a newer version of the same run moves it.
      if (current.runId === pointer.runId && current.manifest === pointer.manifest) return false;
      if (typeof current.createdAt === 'string' && current.createdAt > pointer.createdAt) return false;
    } catch {
      // An unreadable pointer is replaced.
    }
  }
  await store.put(key, `${JSON.stringify(pointer)}\n`);
  return true;
}
