import { z } from 'zod';
import { envError, EnvError } from './env-error.js';
import { enumVar, intVar, optionalEnumVar, optionalHttpUrlVar, optionalStringVar } from './env-vars.js';

const optionalBoolean = z
  .enum(['true', 'false', '1', '0', ''], { error: () => 'true, false, 1 or 0' })
  .optional()
  .transform((value) => (value === undefined || value === '' ? undefined : value === 'true' || value === '1'));
const MIB = 1024 * 1024;

/**
 * S3 settings, read once from the environment at the edge. Credentials are NOT here: the SDK's standard provider
 * chain finds them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity, instance/container roles).
 */
const s3EnvSchema = z.object({
  /** S3-compatible endpoint URL (MinIO, Ceph, R2, s3rver…). Unset: AWS_ENDPOINT_URL_S3, then AWS itself. */
  S2D_S3_ENDPOINT: optionalHttpUrlVar,
  /** The AWS SDK's own service-specific endpoint variable, used when S2D_S3_ENDPOINT is unset. */
  AWS_ENDPOINT_URL_S3: optionalHttpUrlVar,
  /** Region used for signing. Default us-east-1 (most S3-compatible servers accept any region). */
  AWS_REGION: optionalStringVar,
  /** Path-style URLs (`endpoint/bucket/key`). Default: true when a custom endpoint is set, else false. */
  S2D_S3_FORCE_PATH_STYLE: optionalBoolean,
  /** Server-side encryption of written objects: AES256 or aws:kms. Default: none requested (the bucket default). */
  S2D_S3_SSE: optionalEnumVar(['AES256', 'aws:kms']),
  /** KMS key id/ARN when S2D_S3_SSE=aws:kms. Default: the account's aws/s3 key. */
  S2D_S3_SSE_KMS_KEY_ID: optionalStringVar,
  /** Storage class of written objects (STANDARD, INTELLIGENT_TIERING, …). Default: none sent (the bucket default). */
  S2D_S3_STORAGE_CLASS: optionalStringVar,
  /** Multipart part size in MiB (S3 minimum 5). Default 8. Memory per upload ≈ part size × S2D_S3_UPLOAD_QUEUE_SIZE. */
  S2D_S3_PART_SIZE_MIB: intVar(8, 5, 5 * 1024),
  /** Parts uploaded concurrently per object. Default 2. */
  S2D_S3_UPLOAD_QUEUE_SIZE: intVar(2, 1, 64),
  /**
   * When the SDK adds request checksums: WHEN_REQUIRED (default; third-party stores often reject the newer
   * CRC32 trailers) or WHEN_SUPPORTED (the SDK's own default, fine on AWS).
   */
  S2D_S3_CHECKSUM_CALCULATION: enumVar(['WHEN_REQUIRED', 'WHEN_SUPPORTED'], 'WHEN_REQUIRED'),
  /** When the SDK validates response checksums: WHEN_REQUIRED (default) or WHEN_SUPPORTED. */
  S2D_S3_CHECKSUM_VALIDATION: enumVar(['WHEN_REQUIRED', 'WHEN_SUPPORTED'], 'WHEN_REQUIRED'),
});

/** Parsed S3 settings; units in the names (bytes). */
export interface S3Settings {
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  sse: 'AES256' | 'aws:kms' | undefined;
  sseKmsKeyId: string | undefined;
  storageClass: string | undefined;
  partSizeBytes: number;
  uploadQueueSize: number;
  checksumCalculation: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';
  checksumValidation: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';
}

/**
 * Parses the S3 part of the environment; a bad value fails with the variable's name, what was expected and what it
 * got.
 *
 * @throws {EnvError} naming every bad variable, e.g. `S2D_S3_PART_SIZE_MIB must be an integer from 5 to 5120, got '4'`.
 */
export function readS3Settings(source: NodeJS.ProcessEnv = process.env): Readonly<S3Settings> {
  const parsed = s3EnvSchema.safeParse(source);
  if (!parsed.success) throw envError(parsed.error.issues, source);
  const env = parsed.data;
  if (env.S2D_S3_SSE_KMS_KEY_ID !== undefined && env.S2D_S3_SSE !== 'aws:kms') {
    throw new EnvError(`S2D_S3_SSE_KMS_KEY_ID needs S2D_S3_SSE=aws:kms, got S2D_S3_SSE=${env.S2D_S3_SSE ?? '(unset)'}`);
  }
  const endpoint = env.S2D_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3;
  return Object.freeze({
    endpoint,
    region: env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: env.S2D_S3_FORCE_PATH_STYLE ?? endpoint !== undefined,
    sse: env.S2D_S3_SSE,
    sseKmsKeyId: env.S2D_S3_SSE_KMS_KEY_ID,
    storageClass: env.S2D_S3_STORAGE_CLASS,
    partSizeBytes: env.S2D_S3_PART_SIZE_MIB * MIB,
    uploadQueueSize: env.S2D_S3_UPLOAD_QUEUE_SIZE,
    checksumCalculation: env.S2D_S3_CHECKSUM_CALCULATION,
    checksumValidation: env.S2D_S3_CHECKSUM_VALIDATION,
  });
}
