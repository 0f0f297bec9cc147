import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startLocalS3 } from '../../infra/s3/local-s3.js';
import { createS3Client, s3ErrorInfo } from '../../shared/artifacts/s3-client.js';
import { readS3Settings } from '../../shared/config/s3-env.js';

/** Bucket the demo publishes to. */
export const DEMO_BUCKET = 's2d-demo';

export interface DemoS3 {
  /** Output location for the run spec: s3://s2d-demo/datasets */
  outputUri: string;
  /** Env vars the spawned workers need on top of this process's environment, S2D_S3_PREFIXES (the output URI) included. */
  env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * `s2d demo --s3`. Like REDIS_URL and OPENAI_BASE_URL for the other services: with S2D_S3_ENDPOINT (or
 * AWS_ENDPOINT_URL_S3) set, the demo publishes to that server's bucket `s2d-demo` (created if missing) with the
 * usual credential chain. Otherwise it starts a private S3-compatible server (s3rver, in this process, loopback
 * only, temp directory removed on stop) and puts its endpoint and fixed local credentials into this process's
 * environment, so the store resolves them through the SDK's normal provider chain exactly as a deployment would.
 */
export async function startDemoS3(say: (line: string) => void): Promise<DemoS3> {
  const outputUri = `s3://${DEMO_BUCKET}/datasets`;
  const settings = readS3Settings();
  if (settings.endpoint !== undefined) {
    const client = createS3Client(settings);
    try {
      await client.send(new CreateBucketCommand({ Bucket: DEMO_BUCKET }));
    } catch (error) {
      const { name } = s3ErrorInfo(error);
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    } finally {
      client.destroy();
    }
    say(`publishing to ${outputUri} at ${settings.endpoint} (S2D_S3_ENDPOINT)`);
    return { outputUri, env: { S2D_S3_PREFIXES: outputUri }, stop: () => Promise.resolve() };
  }
  const s3 = await startLocalS3();
  try {
    await s3.createBucket(DEMO_BUCKET);
  } catch (error) {
    await s3.close();
    throw error;
  }
  Object.assign(process.env, s3.env);
  say(`started a private S3-compatible server (s3rver) at ${s3.endpoint}, bucket ${DEMO_BUCKET}`);
  return { outputUri, env: { ...s3.env, S2D_S3_PREFIXES: outputUri }, stop: () => s3.close() };
}
