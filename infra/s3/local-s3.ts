import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** The fixed key pair s3rver accepts (it checks signatures against it); only ever used for a private server. Not frozen: the SDK annotates credential objects it is given, so pass a copy. */
export const LOCAL_S3_CREDENTIALS: Readonly<{ accessKeyId: string; secretAccessKey: string }> = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Creates a bucket (3-63 lower-case characters) unless it exists. */
  createBucket(name: string): Promise<void>;
  /** Env vars that point s2d (and spawned workers) at this server: endpoint, path style, region, credentials. */
  env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * Starts s3rver, an S3-compatible server (a dev dependency, for tests and `s2d demo --s3`), in this process on a
 * free loopback port with a fresh temp directory that `close` removes. It speaks the S3 REST API over real HTTP and
 * checks SigV4 signatures, but does not enforce `If-None-Match` (see S3ArtifactStore).
 */
export async function startLocalS3(): Promise<LocalS3> {
  let S3rver: S3rverConstructor;
  try {
    // s3rver is CommonJS without types; createRequire keeps the import explicit and the failure message clear.
    S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  } catch (error) {
    throw new Error(`the local S3 server needs the s3rver package (a dev dependency; run npm install): ${String(error)}`);
  }
  const directory = await mkdtemp(join(tmpdir(), 's2d-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, resetOnClose: false });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { ...LOCAL_S3_CREDENTIALS } });
  return {
    endpoint,
    env: Object.freeze({
      S2D_S3_ENDPOINT: endpoint,
      S2D_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    }),
    createBucket: async (name) => {
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } catch (error) {
        const code = (error as { name?: string }).name;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
      }
    },
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
