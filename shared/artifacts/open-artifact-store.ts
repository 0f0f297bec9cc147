import type { ArtifactStore } from './artifact-store.js';
import { LocalDirStore } from './local-dir-store.js';

/** The artifact store a run's output location names. Today a local directory; S3 joins behind the same interface. */
export function openArtifactStore(location: string): ArtifactStore {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new Error(`output location ${location}: only local directories are supported in this version`);
  }
  return new LocalDirStore(location);
}
