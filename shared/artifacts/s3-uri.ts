/** A parsed `s3://bucket/key-or-prefix` URI. */
export interface S3Uri {
  bucket: string;
  /** Everything after `bucket/`, possibly empty; never starts with `/`. */
  key: string;
}

// Bucket names: 3-63 characters of lower-case letters, digits, dots and hyphens (the S3 naming rules, simplified).
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

export function isS3Uri(value: string): boolean {
  return value.startsWith('s3://');
}

/** Parses an s3:// URI; throws a message naming the URI and what was expected. */
export function parseS3Uri(uri: string): S3Uri {
  const match = S3_URI.exec(uri);
  if (match === null) {
    throw new Error(`${uri}: expected s3://<bucket>[/<key or prefix>] with a 3-63 character lower-case bucket name`);
  }
  const key = match[2] ?? '';
  if (key.startsWith('/') || key.includes('//')) throw new Error(`${uri}: empty path segment in the key`);
  return { bucket: match[1] ?? '', key };
}

export function formatS3Uri(bucket: string, key: string): string {
  return key === '' ? `s3://${bucket}` : `s3://${bucket}/${key}`;
}
