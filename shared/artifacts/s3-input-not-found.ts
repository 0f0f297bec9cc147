/** An S3 input location with nothing to read; `s2d submit` fails with this one message. */
export class S3InputNotFoundError extends Error {
  override readonly name = 'S3InputNotFoundError';
}
