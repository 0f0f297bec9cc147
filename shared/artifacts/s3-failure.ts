import { s3ErrorInfo } from './s3-client.js';

/** Errors of the SDK's credential chain (no provider found anything, or one failed). */
const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
/** Node.js network error codes that mean the endpoint could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Why an S3 request failed, in one line for a person at a terminal (`NoSuchBucket: The specified bucket does not
 * exist`, `no AWS credentials found …`, `cannot reach the S3 endpoint …`), or undefined when `error` is not a
 * failure of the AWS SDK (a bug, a local file error), which should keep its stack trace.
 */
export function describeS3Failure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const oneLine = error.message.replace(/\s*\n\s*/g, ' ');
  if (CREDENTIAL_ERRORS.has(error.name)) {
    return `no usable AWS credentials (${oneLine}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role`;
  }
  // The SDK stamps $metadata on service errors and on network errors after its retries.
  if (!('$metadata' in error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && UNREACHABLE.has(code)) return `cannot reach the S3 endpoint (${oneLine}); check S2D_S3_ENDPOINT / AWS_ENDPOINT_URL_S3`;
  const { status, name } = s3ErrorInfo(error);
  const label = name === undefined || name === 'Error' || name.startsWith('Unknown') ? `HTTP ${status ?? '?'}` : name;
  return oneLine === '' || oneLine === name ? label : `${label}: ${oneLine}`;
}
