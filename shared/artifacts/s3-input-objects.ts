import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isS3NotFound, listPageObjects } from './s3-client.js';
import { S3InputNotFoundError } from './s3-input-not-found.js';
import { formatS3Uri, parseS3Uri } from './s3-uri.js';

/** One S3 object of a run's input, with what identifies its content (for the run id) without downloading it. */
export interface S3InputObject {
  uri: string;
  bucket: string;
  key: string;
  size: number;
  /** The object's ETag: changes whenever its content does. */
  etag: string;
}


/**
 * The objects an input URI names, in the order they are read: `s3://bucket/key` is that one object;
 * `s3://bucket/prefix/` (trailing slash) or `s3://bucket` is every object under the prefix in byte order of the key,
 * except zero-byte "folder" markers ending in `/`. Objects ending `.gz` are gunzipped when read.
 *
 * @throws {S3InputNotFoundError} when the key does not exist or the prefix holds no objects.
 */
export async function listS3InputObjects(client: S3Client, uri: string): Promise<S3InputObject[]> {
  const { bucket, key } = parseS3Uri(uri);
  if (key !== '' && !key.endsWith('/')) {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return [{ uri: formatS3Uri(bucket, key), bucket, key, size: head.ContentLength ?? 0, etag: head.ETag ?? '' }];
    } catch (error) {
      if (isS3NotFound(error)) {
        throw new S3InputNotFoundError(`input ${uri}: no such object (to read every object under a prefix, end the URI with "/")`);
      }
      throw error;
    }
  }
  const objects: S3InputObject[] = [];
  for await (const page of listPageObjects(client, bucket, key)) {
    for (const object of page) {
      if (object.Key === undefined || object.Key.endsWith('/')) continue;
      objects.push({ uri: formatS3Uri(bucket, object.Key), bucket, key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? '' });
    }
  }
  if (objects.length === 0) throw new S3InputNotFoundError(`input ${uri}: no objects under this prefix`);
  // Byte order of the key, whatever order the server listed in (S3 already lists so; some compatible servers do not).
  return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}
