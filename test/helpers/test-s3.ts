import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '../../infra/s3/local-s3.js';
import { readS3Settings } from '../../shared/config/s3-env.js';
import { S3ArtifactStore } from '../../shared/artifacts/s3-artifact-store.js';
import { createS3Client } from '../../shared/artifacts/s3-client.js';

export interface TestS3 {
  endpoint: string;
  /** Env vars pointing s2d at the test server (also applied to this test file's process.env by {@link useTestS3}). */
  env: Record<string, string>;
  client: S3Client;
  /** Creates a fresh bucket named after the label (plus random hex) and returns its name. */
  freshBucket(label: string): Promise<string>;
  /**
   * Whether the server enforces `If-None-Match: *` (AWS does; s3rver ignores it), probed with the raw client, so
   * tests can assert exactly-one-winner where the server can give it and the weaker guarantee elsewhere.
   */
  enforcesIfNoneMatch(bucket: string): Promise<boolean>;
  /** An S3 store on `bucket` with the test settings; `partSizeMiB` overrides the part size. */
  store(bucket: string, prefix?: string, partSizeMiB?: number): S3ArtifactStore;
}

/**
 * The test S3 server from the global setup. Sets this file's process.env so code that reads the environment (the
 * SDK's credential chain, openArtifactStore) reaches it; every vitest file runs in its own process.
 * With S2D_TEST_S3_ENDPOINT the credentials come from the usual AWS variables.
 */
export function useTestS3(): TestS3 {
  const endpoint = inject('s3Endpoint');
  const external = process.env.S2D_TEST_S3_ENDPOINT !== undefined && process.env.S2D_TEST_S3_ENDPOINT !== '';
  const env: Record<string, string> = {
    S2D_S3_ENDPOINT: endpoint,
    S2D_S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: external ? (process.env.AWS_ACCESS_KEY_ID ?? '') : LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: external ? (process.env.AWS_SECRET_ACCESS_KEY ?? '') : LOCAL_S3_CREDENTIALS.secretAccessKey,
  };
  Object.assign(process.env, env);
  const settings = readS3Settings(env);
  const client = createS3Client(settings);
  return {
    endpoint,
    env,
    client,
    freshBucket: async (label) => {
      const name = `s2d-${label.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30)}-${randomBytes(4).toString('hex')}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    enforcesIfNoneMatch: async (bucket) => {
      const Key = `_probe/if-none-match-${randomBytes(4).toString('hex')}`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'first' }));
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'second', IfNoneMatch: '*' }));
        return false;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) return true;
        throw error;
      } finally {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      }
    },
    store: (bucket, prefix = '', partSizeMiB) =>
      new S3ArtifactStore({
        client,
        bucket,
        prefix,
        settings: partSizeMiB === undefined ? settings : { ...settings, partSizeBytes: partSizeMiB * 1024 * 1024 },
      }),
  };
}
