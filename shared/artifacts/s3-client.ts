import { ListObjectsV2Command, S3Client, type S3ClientConfig, type _Object } from '@aws-sdk/client-s3';
import type { S3Settings } from '../config/s3-env.js';

/** Options beyond the environment's settings. */
export interface S3ClientOptions {
  /**
   * Fixed credentials, only for a private local server (tests, `s2d demo --s3`). Default: the SDK's standard
   * provider chain, which is what every deployment should use.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** An S3 client configured from {@link S3Settings}; one per process and store location is plenty. */
export function createS3Client(settings: Readonly<S3Settings>, options: S3ClientOptions = {}): S3Client {
  const config: S3ClientConfig = {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    requestChecksumCalculation: settings.checksumCalculation,
    responseChecksumValidation: settings.checksumValidation,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  return new S3Client(config);
}

/** HTTP status and error name of an SDK error (S3ServiceException or a network error), for classification. */
export function s3ErrorInfo(error: unknown): { status: number | undefined; name: string | undefined } {
  if (typeof error !== 'object' || error === null) return { status: undefined, name: undefined };
  const meta: unknown = '$metadata' in error ? error.$metadata : undefined;
  const status: unknown = typeof meta === 'object' && meta !== null && 'httpStatusCode' in meta ? meta.httpStatusCode : undefined;
  const name: unknown = 'name' in error ? error.name : undefined;
  return { status: typeof status === 'number' ? status : undefined, name: typeof name === 'string' ? name : undefined };
}

/**
 * A missing key (GetObject: NoSuchKey; HeadObject has no body, so only NotFound/404). A missing bucket stays an
 * error where S3 says so (NoSuchBucket), so a typo in the bucket name is not mistaken for "no object yet".
 */
export function isS3NotFound(error: unknown): boolean {
  const { status, name } = s3ErrorInfo(error);
  if (name === 'NoSuchBucket') return false;
  return status === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

/** Every object under a prefix, one ListObjectsV2 page at a time, following continuation tokens. */
export async function* listPageObjects(client: S3Client, bucket: string, prefix: string, pageSize?: number): AsyncGenerator<_Object[]> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(pageSize === undefined ? {} : { MaxKeys: pageSize }),
        ...(token === undefined ? {} : { ContinuationToken: token }),
      }),
    );
    yield page.Contents ?? [];
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** The keys of {@link listPageObjects}, page by page. */
export async function* listPages(client: S3Client, bucket: string, prefix: string, pageSize?: number): AsyncGenerator<string[]> {
  for await (const objects of listPageObjects(client, bucket, prefix, pageSize)) {
    yield objects.flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
  }
}
