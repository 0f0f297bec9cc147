/** An `s3://bucket[/prefix]` location split for comparison: the bucket, and the key prefix's segments. */
export interface S3Location {
  bucket: string;
  /** The key prefix's `/`-separated segments, trailing slashes dropped; empty for the whole bucket. */
  segments: readonly string[];
}

// The bucket rule of shared/artifacts/s3-uri.ts, so a location refused here is the one the store would open.
const S3_LOCATION = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/**
 * Splits an s3:// location, or says why it cannot be compared safely. Trailing slashes are dropped
 * (`s3://b/team-a/` is `s3://b/team-a`); `.`, `..` and empty segments and `\` are refused: S3 keys are literal, but
 * HTTP clients and S3-compatible servers may normalise them, so such a key could name another prefix.
 */
export function parseS3Location(uri: string): S3Location | { problem: string } {
  const match = S3_LOCATION.exec(uri);
  const bucket = match?.[1];
  if (match === null || bucket === undefined) return { problem: 'is not an s3://bucket[/prefix] URI with a 3-63 character lower-case bucket name' };
  const key = (match[2] ?? '').replace(/\/+$/, '');
  if (key === '') return { bucket, segments: [] };
  const segments = key.split('/');
  if (key.includes('\\') || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return { problem: 'has ".", ".." or empty segments or "\\" in its key, which could name another prefix' };
  }
  return { bucket, segments };
}

/** Whether `target` is `prefix` or lies below it: the same bucket, and the prefix's whole segments first. */
export function isWithinS3Prefix(prefix: S3Location, target: S3Location): boolean {
  return prefix.bucket === target.bucket && prefix.segments.length <= target.segments.length && prefix.segments.every((segment, at) => target.segments[at] === segment);
}
