import { readS3Settings } from '../config/s3-env.js';
import type { ArtifactStore } from './artifact-store.js';
import { LazyArtifactStore } from './lazy-artifact-store.js';
import { LocalDirStore } from './local-dir-store.js';
import { s3KeyRoot, s3ObjectKey } from './s3-object-key.js';
import { formatS3Uri, isS3Uri, parseS3Uri } from './s3-uri.js';

/**
 * The artifact store an output location names: `s3://bucket[/prefix]` opens S3 (settings and credentials from the
 * environment, see shared/config/s3-env.ts), loading the AWS SDK on the store's first use; anything without a scheme
 * is a local directory. The location and the settings are checked here, at once.
 */
export function openArtifactStore(location: string, env: NodeJS.ProcessEnv = process.env): ArtifactStore {
  if (isS3Uri(location)) {
    const { bucket, key } = parseS3Uri(location);
    const settings = readS3Settings(env);
    const prefix = key.endsWith('/') ? key.slice(0, -1) : key;
    const root = s3KeyRoot(prefix);
    return new LazyArtifactStore({
      location: formatS3Uri(bucket, prefix),
      locate: (objectKey) => formatS3Uri(bucket, s3ObjectKey(root, objectKey)),
      load: async () => {
        const [{ S3ArtifactStore }, { createS3Client }] = await Promise.all([import('./s3-artifact-store.js'), import('./s3-client.js')]);
        return new S3ArtifactStore({ client: createS3Client(settings), bucket, prefix, settings });
      },
    });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new Error(`output location ${location}: only local directories and s3:// URIs are supported`);
  }
  return new LocalDirStore(location);
}
